"""Stripe webhook endpoint.

Stripe signs every event; the signature check replaces CSRF protection here,
since Stripe's servers have no session cookie. Handlers are written so that
a redelivered event changes nothing the second time.
"""
import logging

import stripe
from django.conf import settings
from django.db import transaction
from django.http import HttpResponse, HttpResponseBadRequest
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from giftcards import services as giftcard_services
from workshops.models import Booking, SeatHold

logger = logging.getLogger(__name__)


def _payment_succeeded(intent: dict) -> None:
    metadata = intent.get("metadata") or {}
    if metadata.get("kind") == "giftcard":
        with transaction.atomic():
            giftcard_services.card_for_payment(
                intent["id"], purchaser_id=int(metadata["purchaser_id"]), amount_cents=intent["amount"],
                recipient_email=metadata.get("recipient_email", ""),
                recipient_name=metadata.get("recipient_name", ""),
            )
        return
    hold_id = metadata.get("hold_id")
    if hold_id:
        with transaction.atomic():
            hold = SeatHold.objects.select_for_update().select_related("session__workshop").filter(pk=hold_id).first()
            if hold is None or hold.booking_id:
                return
            booking, _ = Booking.objects.get_or_create(
                payment_intent_id=intent["id"],
                defaults={"session_id": hold.session_id, "user_id": hold.user_id, "seats": hold.seats,
                          "amount_cents": intent["amount"], "status": "confirmed"},
            )
            SeatHold.objects.filter(pk=hold.pk).update(booking=booking, expires_at=None)


def _charge_refunded(charge: dict) -> None:
    Booking.objects.filter(payment_intent_id=charge.get("payment_intent"), status="confirmed").update(status="refunded")


HANDLERS = {
    "payment_intent.succeeded": _payment_succeeded,
    "charge.refunded": _charge_refunded,
}


@csrf_exempt  # ok: SEC014
@require_POST
def stripe_webhook(request):
    signature = request.META.get("HTTP_STRIPE_SIGNATURE", "")
    try:
        event = stripe.Webhook.construct_event(request.body, signature, settings.STRIPE_WEBHOOK_SECRET)
    except (ValueError, stripe.error.SignatureVerificationError):
        logger.warning("rejected a Stripe webhook with a bad payload or signature")
        return HttpResponseBadRequest("invalid signature")

    handler = HANDLERS.get(event["type"])
    if handler is None:
        return HttpResponse(status=200)
    # Let failures raise: Stripe sees the 500 and redelivers the event later.
    handler(event["data"]["object"])
    logger.info("handled stripe event %s (%s)", event["id"], event["type"])
    return HttpResponse(status=200)
