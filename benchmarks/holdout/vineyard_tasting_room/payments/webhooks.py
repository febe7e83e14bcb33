"""Stripe webhook: payment outcomes for club shipments, add-ons and tasting bookings."""
import logging

import stripe
from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from club.models import AddOnOrder, ClubShipment, StripeEvent

log = logging.getLogger(__name__)


def _on_payment_succeeded(intent: dict) -> None:
    meta = intent.get("metadata") or {}
    if "shipment_id" in meta:
        ClubShipment.objects.filter(pk=meta["shipment_id"], status__in=[ClubShipment.Status.PENDING, ClubShipment.Status.FAILED]).update(
            status=ClubShipment.Status.PAID, payment_intent_id=intent["id"])
    elif "addon_id" in meta:
        AddOnOrder.objects.filter(pk=meta["addon_id"], status=AddOnOrder.Status.PENDING).update(
            status=AddOnOrder.Status.PAID, payment_intent_id=intent["id"])


def _on_payment_failed(intent: dict) -> None:
    meta = intent.get("metadata") or {}
    error = (intent.get("last_payment_error") or {}).get("code", "unknown")
    if "shipment_id" in meta:
        ClubShipment.objects.filter(pk=meta["shipment_id"], status=ClubShipment.Status.PENDING).update(
            status=ClubShipment.Status.FAILED)
        log.info("club shipment %s payment failed (%s)", meta["shipment_id"], error)


HANDLERS = {
    "payment_intent.succeeded": _on_payment_succeeded,
    "payment_intent.payment_failed": _on_payment_failed,
}


@csrf_exempt  # ok: SEC014
@require_POST
def stripe_webhook(request):
    signature = request.META.get("HTTP_STRIPE_SIGNATURE", "")
    try:
        event = stripe.Webhook.construct_event(request.body, signature, settings.STRIPE_WEBHOOK_SECRET)
    except ValueError:
        log.warning("stripe webhook: payload is not valid JSON")
        return HttpResponse(status=400)
    except stripe.error.SignatureVerificationError:
        log.warning("stripe webhook: signature check failed")
        return HttpResponse(status=400)

    handler = HANDLERS.get(event["type"])
    if handler is None:
        return HttpResponse(status=200)

    with transaction.atomic():
        try:
            with transaction.atomic():
                StripeEvent.objects.create(event_id=event["id"], event_type=event["type"])  # ok: DB005
        except IntegrityError:
            log.info("stripe event %s already handled", event["id"])
            return HttpResponse(status=200)
        handler(event["data"]["object"])
    log.info("stripe event %s (%s) handled", event["id"], event["type"])
    return HttpResponse(status=200)
