import logging

import stripe
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.http import HttpResponse, HttpResponseBadRequest
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from .models import CreatorProfile, Purchase

logger = logging.getLogger(__name__)

HANDLED_EVENTS = {"charge.refunded", "charge.dispute.created"}


@csrf_exempt  # ok: SEC014
@require_POST
def stripe_webhook(request):
    signature = request.headers.get("Stripe-Signature", "")
    try:
        event = stripe.Webhook.construct_event(
            request.body, signature, settings.STRIPE_WEBHOOK_SECRET
        )
    except (ValueError, stripe.error.SignatureVerificationError):
        logger.warning("rejected stripe webhook with invalid payload or signature")
        return HttpResponseBadRequest()

    if event["type"] not in HANDLED_EVENTS:
        return HttpResponse(status=200)

    charge = event["data"]["object"]
    intent_id = charge.get("payment_intent")
    if not intent_id:
        logger.warning("stripe event %s without payment_intent", event["id"])
        return HttpResponse(status=200)

    _reverse_purchase(intent_id, event["id"], event["type"])
    return HttpResponse(status=200)


def _reverse_purchase(intent_id: str, event_id: str, event_type: str) -> None:
    with transaction.atomic():
        purchase = (
            Purchase.objects.select_for_update()
            .select_related("recipe")
            .filter(stripe_payment_intent=intent_id)
            .first()
        )
        if purchase is None or purchase.status != "paid":
            logger.info("event %s for intent %s: nothing to reverse", event_id, intent_id)
            return
        Purchase.objects.filter(pk=purchase.pk).update(status="refunded")
        CreatorProfile.objects.filter(pk=purchase.recipe.creator_id).update(
            pending_balance=F("pending_balance") - purchase.creator_share,  # ok: DB004
            lifetime_earnings=F("lifetime_earnings") - purchase.creator_share,
        )
    logger.info("purchase %s reversed after %s (event %s)", purchase.pk, event_type, event_id)
