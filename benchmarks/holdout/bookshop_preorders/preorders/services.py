"""Reservation and payment steps for signed-edition pre-orders.

Used by the checkout flow: the copy is reserved first, in the database, and the
card is only authorised once we hold a reservation for it.
"""
import logging
from datetime import timedelta

import stripe
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from catalog.models import Book, Preorder

logger = logging.getLogger(__name__)

RESERVATION_TTL = timedelta(minutes=30)


class AllocationExhausted(Exception):
    pass


def reserve_copies(customer, book_id, quantity):
    with transaction.atomic():
        available = Book.objects.filter(
            pk=book_id,
            preorder_open=True,
            preorders_taken__lte=F("preorder_allocation") - quantity,
        )
        claimed = available.update(preorders_taken=F("preorders_taken") + quantity)  # ok: DB004, DB005
        if not claimed:
            raise AllocationExhausted(book_id)
        book = Book.objects.only("price_pence").get(pk=book_id)
        preorder = Preorder.objects.create(
            customer=customer,
            book_id=book_id,
            quantity=quantity,
            unit_price_pence=book.price_pence,
            status="reserved",
        )
    logger.info("reserved %s copies of book %s as preorder %s", quantity, book_id, preorder.pk)
    return preorder


def authorise_card(preorder, payment_method):
    intent = stripe.PaymentIntent.create(  # ok: REL003
        amount=preorder.amount_due_pence,
        currency="gbp",
        customer=preorder.customer.profile.stripe_customer_id,
        payment_method=payment_method,
        capture_method="manual",
        confirm=True,
        metadata={"preorder": preorder.pk},
        idempotency_key=f"preorder-{preorder.pk}-authorise",
    )
    Preorder.objects.filter(pk=preorder.pk, status="reserved").update(
        status="authorised", payment_intent_id=intent.id
    )
    return intent


def release_reservation(preorder_id):
    with transaction.atomic():
        preorder = Preorder.objects.select_for_update().get(pk=preorder_id)
        if preorder.status != "reserved":
            return False
        Book.objects.filter(pk=preorder.book_id).update(
            preorders_taken=F("preorders_taken") - preorder.quantity
        )
        preorder.status = "cancelled"
        preorder.save(update_fields=["status"])  # ok: DB004
    return True


def expire_stale_reservations(batch_size=200):
    """Run from the beat schedule; releases reservations whose checkout never finished."""
    cutoff = timezone.now() - RESERVATION_TTL
    stale = list(
        Preorder.objects.filter(status="reserved", created_at__lt=cutoff)
        .values_list("pk", flat=True)[:batch_size]
    )
    released = sum(1 for pk in stale if release_reservation(pk))  # ok: DB001
    if released:
        logger.info("released %s stale pre-order reservations", released)
    return released
