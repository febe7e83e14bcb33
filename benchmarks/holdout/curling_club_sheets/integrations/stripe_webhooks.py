"""Stripe webhook handler that confirms sheet and stone payments and tracks failed dues."""

import logging

import stripe
from django.conf import settings
from django.db import transaction
from django.http import HttpResponse, HttpResponseBadRequest
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from memberships.models import Membership
from rentals.models import StoneRental
from sheets.models import SheetBooking

from .models import ProcessedStripeEvent

logger = logging.getLogger(__name__)


def _payment_succeeded(intent) -> None:
    metadata = intent.get("metadata", {})
    if "rental_id" in metadata:
        StoneRental.objects.filter(pk=metadata["rental_id"], status="pending_payment").update(
            status="confirmed", payment_intent_id=intent["id"]
        )
    elif "sheet_booking_id" in metadata:
        SheetBooking.objects.filter(pk=metadata["sheet_booking_id"], status="held").update(
            status="paid", payment_intent_id=intent["id"]
        )


def _payment_failed(intent) -> None:
    metadata = intent.get("metadata", {})
    if "membership_id" in metadata:
        Membership.objects.filter(pk=metadata["membership_id"], status="active").update(status="past_due")
    elif "rental_id" in metadata:
        StoneRental.objects.filter(pk=metadata["rental_id"], status="pending_payment").update(status="payment_failed")


HANDLERS = {
    "payment_intent.succeeded": _payment_succeeded,
    "payment_intent.payment_failed": _payment_failed,
}


@csrf_exempt  # ok: SEC014
@require_POST
def stripe_webhook(request):
    signature = request.headers.get("Stripe-Signature", "")
    try:
        event = stripe.Webhook.construct_event(request.body, signature, settings.STRIPE_WEBHOOK_SECRET)
    except ValueError:
        return HttpResponseBadRequest("invalid payload")
    except stripe.error.SignatureVerificationError:
        logger.warning("stripe webhook with bad signature rejected")
        return HttpResponseBadRequest("invalid signature")

    handler = HANDLERS.get(event["type"])
    if handler is None:
        return HttpResponse(status=200)

    with transaction.atomic():
        _, first_time = ProcessedStripeEvent.objects.get_or_create(event_id=event["id"], defaults={"event_type": event["type"]})  # ok: DB005
        if not first_time:
            logger.info("stripe event %s already processed", event["id"])
            return HttpResponse(status=200)
        handler(event["data"]["object"])

    logger.info("stripe event %s (%s) processed", event["id"], event["type"])
    return HttpResponse(status=200)
