"""Stripe webhooks. Authenticated by signature, not by session cookie."""
import logging

import stripe
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from bookings.models import Booking, StripeEvent, Trip
from notifications.outbox import enqueue_confirmation

log = logging.getLogger(__name__)

MAX_WEBHOOK_BYTES = 256 * 1024


def _payment_succeeded(intent: dict) -> None:
    updated = Booking.objects.filter(payment_intent_id=intent["id"], status=Booking.HELD).update(
        status=Booking.CONFIRMED, hold_expires_at=None
    )
    if updated:
        booking_id = Booking.objects.values_list("pk", flat=True).get(payment_intent_id=intent["id"])
        enqueue_confirmation(booking_id)


def _payment_failed(intent: dict) -> None:
    booking = (
        Booking.objects.select_for_update()
        .filter(payment_intent_id=intent["id"], status=Booking.HELD)
        .first()
    )
    if booking is None:
        return
    booking.status = Booking.CANCELLED
    booking.save(update_fields=["status"])
    Trip.objects.filter(pk=booking.trip_id).update(seats_booked=F("seats_booked") - booking.party_size)  # ok: DB004


HANDLERS = {
    "payment_intent.succeeded": _payment_succeeded,
    "payment_intent.payment_failed": _payment_failed,
}


@csrf_exempt  # ok: SEC014
@require_POST
def stripe_webhook(request):
    if len(request.body) > MAX_WEBHOOK_BYTES:
        return HttpResponse(status=413)
    try:
        event = stripe.Webhook.construct_event(
            request.body, request.headers.get("Stripe-Signature", ""), settings.STRIPE_WEBHOOK_SECRET
        )
    except (ValueError, stripe.error.SignatureVerificationError):
        log.warning("rejected stripe webhook with bad payload or signature")
        return HttpResponse(status=400)

    handler = HANDLERS.get(event["type"])
    if handler is None:
        return HttpResponse(status=200)

    with transaction.atomic():
        try:
            with transaction.atomic():
                StripeEvent.objects.create(event_id=event["id"], type=event["type"])  # ok: DB005
        except IntegrityError:
            log.info("duplicate stripe event %s ignored", event["id"])
            return HttpResponse(status=200)
        handler(event["data"]["object"])
    log.info("processed stripe event %s (%s)", event["id"], event["type"])
    return HttpResponse(status=200)
