"""Charge members for their shelf space once a firing has run."""
import logging

import requests
from celery import shared_task
from django.db import transaction
from django.utils import timezone

from .models import FiringFeeCharge, ShelfBooking
from .payments_client import PaymentDeclined, create_payment

logger = logging.getLogger(__name__)


@shared_task
def charge_firing(firing_id):
    """Fan out one charge task per shelf booking in the firing."""
    booking_ids = (
        ShelfBooking.objects.filter(shelf__firing_id=firing_id)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    count = 0
    for booking_id in booking_ids.iterator(chunk_size=200):
        charge_shelf_booking.delay(booking_id)
        count += 1
    logger.info("queued %d shelf fee charges for firing %s", count, firing_id)


@shared_task(
    bind=True,
    autoretry_for=(requests.ConnectionError, requests.Timeout),
    retry_backoff=True,
    max_retries=4,
)
def charge_shelf_booking(self, booking_id):
    with transaction.atomic():
        booking = (
            ShelfBooking.objects.select_related("member", "shelf")
            .select_for_update(of=("self",))
            .get(pk=booking_id)
        )
        charge, _ = FiringFeeCharge.objects.get_or_create(
            booking=booking, defaults={"amount_pence": booking.fee_pence}
        )
    if charge.status != "pending":
        logger.info("shelf booking %s already %s, not charging", booking.pk, charge.status)
        return

    try:
        payment = create_payment(  # ok: REL003
            amount_pence=charge.amount_pence,
            card_id=booking.member.card_on_file_id,
            customer_id=booking.member.processor_customer_id,
            reference=f"shelf-{booking.pk}",
            idempotency_key=f"firing-fee-{charge.pk}",
            note=f"Shelf space, firing {booking.shelf.firing_id}",
        )
    except PaymentDeclined as exc:
        FiringFeeCharge.objects.filter(pk=charge.pk, status="pending").update(
            status="declined", failure_code=exc.code[:40]
        )
        logger.warning("shelf fee for booking %s declined: %s", booking.pk, exc.code)
        return

    FiringFeeCharge.objects.filter(pk=charge.pk, status="pending").update(
        status="paid", processor_payment_id=payment["id"], paid_at=timezone.now()
    )
    logger.info("shelf fee for booking %s paid (payment %s)", booking.pk, payment["id"])
