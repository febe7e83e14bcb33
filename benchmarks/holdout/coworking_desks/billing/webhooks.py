"""Stripe webhook endpoint: payment outcomes for member invoices."""
import logging

import stripe
from django.conf import settings
from django.db import transaction
from django.http import HttpResponse, HttpResponseBadRequest
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from workspace.models import Invoice, ProcessedStripeEvent

logger = logging.getLogger(__name__)


def _invoice_id(intent: dict) -> int | None:
    raw = (intent.get("metadata") or {}).get("invoice_id")
    try:
        return int(raw)
    except (TypeError, ValueError):
        return None


def _payment_succeeded(intent: dict) -> None:
    invoice_id = _invoice_id(intent)
    if invoice_id is None:
        logger.warning("payment_intent %s has no invoice id", intent["id"])
        return
    updated = (
        Invoice.objects.filter(pk=invoice_id, stripe_payment_intent_id=intent["id"])
        .exclude(status=Invoice.Status.PAID)
        .update(status=Invoice.Status.PAID, paid_at=timezone.now())  # ok: DB004
    )
    logger.info("invoice %s marked paid (%d rows)", invoice_id, updated)


def _payment_failed(intent: dict) -> None:
    invoice_id = _invoice_id(intent)
    if invoice_id is None:
        return
    error = intent.get("last_payment_error") or {}
    Invoice.objects.filter(pk=invoice_id, stripe_payment_intent_id=intent["id"]).exclude(
        status=Invoice.Status.PAID
    ).update(status=Invoice.Status.FAILED)
    logger.warning("payment failed for invoice %s: %s", invoice_id, error.get("code", "unknown"))


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
        logger.warning("stripe webhook with unparsable body")
        return HttpResponseBadRequest("invalid payload")
    except stripe.error.SignatureVerificationError:
        logger.warning("stripe webhook with bad signature")
        return HttpResponseBadRequest("invalid signature")

    handler = HANDLERS.get(event["type"])
    if handler is None:
        return HttpResponse(status=200)

    with transaction.atomic():
        _, created = ProcessedStripeEvent.objects.get_or_create(  # ok: DB005
            event_id=event["id"], defaults={"event_type": event["type"]}
        )
        if not created:
            logger.info("stripe event %s already processed", event["id"])
            return HttpResponse(status=200)
        handler(event["data"]["object"])
    return HttpResponse(status=200)
