"""Stripe webhook: confirms berth holds and records contract payments."""
import logging

import stripe
from django.conf import settings
from django.http import HttpResponse, HttpResponseBadRequest
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from .models import BerthBooking, ContractCharge

log = logging.getLogger(__name__)

HANDLED = {"payment_intent.succeeded", "payment_intent.payment_failed", "charge.refunded"}


def _on_intent_succeeded(intent):
    meta = intent.get("metadata") or {}
    if meta.get("kind") == "berth_deposit":
        confirmed = BerthBooking.objects.filter(
            pk=meta.get("booking_id"), status=BerthBooking.HELD
        ).update(status=BerthBooking.CONFIRMED, payment_intent_id=intent["id"])
        log.info("deposit %s confirmed booking %s (%d row)", intent["id"], meta.get("booking_id"), confirmed)
    elif meta.get("kind") == "winter_contract":
        ContractCharge.objects.filter(payment_intent_id=intent["id"]).update(status="paid")


def _on_intent_failed(intent):
    meta = intent.get("metadata") or {}
    if meta.get("kind") == "winter_contract":
        ContractCharge.objects.filter(payment_intent_id=intent["id"]).update(status="failed")
        log.warning("winter contract %s payment %s failed", meta.get("contract_id"), intent["id"])


def _on_refund(charge):
    intent_id = charge.get("payment_intent")
    if intent_id:
        BerthBooking.objects.filter(payment_intent_id=intent_id).update(status=BerthBooking.CANCELLED)


@csrf_exempt  # ok: SEC014
@require_POST
def stripe_webhook(request):
    signature = request.META.get("HTTP_STRIPE_SIGNATURE", "")
    try:
        event = stripe.Webhook.construct_event(request.body, signature, settings.STRIPE_WEBHOOK_SECRET)
    except ValueError:
        return HttpResponseBadRequest("invalid payload")
    except stripe.SignatureVerificationError:
        log.warning("stripe webhook with bad signature rejected")
        return HttpResponseBadRequest("invalid signature")

    if event["type"] not in HANDLED:
        return HttpResponse(status=204)
    obj = event["data"]["object"]
    log.info("stripe event %s %s for %s", event["id"], event["type"], obj.get("id"))
    if event["type"] == "payment_intent.succeeded":
        _on_intent_succeeded(obj)
    elif event["type"] == "payment_intent.payment_failed":
        _on_intent_failed(obj)
    else:
        _on_refund(obj)
    return HttpResponse(status=200)
