"""Stripe webhook receiver for asynchronous payment outcomes."""
import logging

import stripe
from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpResponse, HttpResponseBadRequest
from django.views import View
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import csrf_exempt

from ..models import Booking, ProcessedStripeEvent
from ..services.booking_service import release_seats

logger = logging.getLogger(__name__)


def _mark_paid(intent: dict) -> None:
    booking_id = intent.get("metadata", {}).get("booking_id")
    if not booking_id:
        return
    Booking.objects.filter(pk=booking_id, status=Booking.Status.PENDING).update(
        status=Booking.Status.PAID, payment_intent_id=intent["id"]
    )


def _mark_failed(intent: dict) -> None:
    booking_id = intent.get("metadata", {}).get("booking_id")
    if not booking_id:
        return
    booking = Booking.objects.filter(pk=booking_id).first()
    if booking is not None:
        release_seats(booking)


HANDLERS = {
    "payment_intent.succeeded": _mark_paid,
    "payment_intent.payment_failed": _mark_failed,
    "payment_intent.canceled": _mark_failed,
}


@method_decorator(csrf_exempt, name="dispatch")  # ok: SEC014
class StripeWebhookView(View):
    http_method_names = ["post"]

    def post(self, request):
        signature = request.headers.get("Stripe-Signature", "")
        try:
            event = stripe.Webhook.construct_event(request.body, signature, settings.STRIPE_WEBHOOK_SECRET)
        except (ValueError, stripe.error.SignatureVerificationError):
            logger.warning("rejected stripe webhook: bad payload or signature")
            return HttpResponseBadRequest("invalid signature")

        handler = HANDLERS.get(event["type"])
        if handler is None:
            return HttpResponse(status=200)

        try:
            with transaction.atomic():
                ProcessedStripeEvent.objects.create(event_id=event["id"])  # ok: DB005
                handler(event["data"]["object"])
        except IntegrityError:
            logger.info("duplicate stripe event ignored id=%s type=%s", event["id"], event["type"])
            return HttpResponse(status=200)

        logger.info("stripe event processed id=%s type=%s", event["id"], event["type"])
        return HttpResponse(status=200)
