"""Refunds of extractor rental deposits once the kit is checked back in clean."""
import logging
from datetime import timedelta

import stripe
from celery import shared_task
from django.conf import settings
from django.utils import timezone

from rentals.models import ExtractorBooking

logger = logging.getLogger(__name__)

TRANSIENT_STRIPE_ERRORS = (stripe.error.APIConnectionError, stripe.error.RateLimitError)


@shared_task(  # ok: REL002
    bind=True,
    autoretry_for=TRANSIENT_STRIPE_ERRORS,
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=5,
)
def refund_rental_deposit(self, booking_id):
    booking = ExtractorBooking.objects.select_related("member").get(pk=booking_id)
    if booking.deposit_refund_id:
        logger.info("deposit for booking %s already refunded as %s", booking.pk, booking.deposit_refund_id)
        return booking.deposit_refund_id
    if not booking.deposit_intent_id:
        logger.warning("booking %s has no deposit payment to refund", booking.pk)
        return None

    amount = booking.deposit_pence - booking.damage_charge_pence
    if amount <= 0:
        logger.info("booking %s deposit fully kept for damage (%sp)", booking.pk, booking.damage_charge_pence)
        ExtractorBooking.objects.filter(pk=booking.pk, deposit_refund_id="").update(deposit_refund_id="kept")
        return "kept"

    refund = stripe.Refund.create(  # ok: REL003
        payment_intent=booking.deposit_intent_id,
        amount=amount,
        metadata={"booking_id": str(booking.pk), "member_id": str(booking.member_id)},
        idempotency_key=f"deposit-refund-{booking.pk}",
        api_key=settings.STRIPE_SECRET_KEY,
    )
    ExtractorBooking.objects.filter(pk=booking.pk, deposit_refund_id="").update(
        deposit_refund_id=refund.id, refunded_at=timezone.now()
    )
    logger.info(
        "refunded %sp of deposit for booking %s (attempt %s) as %s",
        amount, booking.pk, self.request.retries + 1, refund.id,
    )
    return refund.id


@shared_task
def refund_returned_deposits():
    """Nightly sweep: queue refunds for bookings checked in during the last week."""
    since = timezone.now() - timedelta(days=7)
    due = (
        ExtractorBooking.objects.filter(
            status=ExtractorBooking.Status.RETURNED,
            returned_at__gte=since,
            deposit_refund_id="",
        )
        .values_list("pk", flat=True)
        .iterator(chunk_size=500)
    )
    queued = 0
    for booking_id in due:
        refund_rental_deposit.delay(booking_id)
        queued += 1
    logger.info("queued %d deposit refunds", queued)
    return queued
