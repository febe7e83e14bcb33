"""Stripe webhook receiver. Authenticated by Stripe's signature, not by a session."""
import logging

import stripe
from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from catalog.models import GiftCard, Preorder, ProcessedStripeEvent
from giftcards.ledger import activate_after_payment

from .tasks import send_customer_email

logger = logging.getLogger(__name__)


@csrf_exempt  # ok: SEC014
@require_POST
def stripe_webhook(request):
    signature = request.META.get("HTTP_STRIPE_SIGNATURE", "")
    try:
        event = stripe.Webhook.construct_event(request.body, signature, settings.STRIPE_WEBHOOK_SECRET)
    except (ValueError, stripe.error.SignatureVerificationError):
        logger.warning("rejected stripe webhook with a bad payload or signature")
        return HttpResponse(status=400)

    try:
        with transaction.atomic():
            ProcessedStripeEvent.objects.create(event_id=event["id"], type=event["type"])  # ok: DB005
            _handle(event)
    except IntegrityError:
        logger.info("stripe event %s already processed", event["id"])
    return HttpResponse(status=200)


def _handle(event):
    obj = event["data"]["object"]
    kind = event["type"]

    if kind == "payment_intent.succeeded":
        metadata = obj.get("metadata") or {}
        if "gift_card" in metadata:
            activate_after_payment(int(metadata["gift_card"]))
            return
        updated = Preorder.objects.filter(payment_intent_id=obj["id"]).exclude(status="paid").update(status="paid")  # ok: DB006
        logger.info("payment_intent %s succeeded, %s preorder(s) marked paid", obj["id"], updated)

    elif kind == "payment_intent.payment_failed":
        preorder = Preorder.objects.filter(payment_intent_id=obj["id"]).first()
        if preorder is None:
            return
        logger.info("payment_intent %s failed for preorder %s", obj["id"], preorder.pk)
        transaction.on_commit(lambda: send_customer_email.delay(preorder.pk, "payment-failed"))  # ok: REL004

    elif kind == "charge.refunded":
        intent_id = obj.get("payment_intent")
        Preorder.objects.filter(payment_intent_id=intent_id).update(status="cancelled")
        logger.info("charge %s refunded, preorder for intent %s cancelled", obj["id"], intent_id)

    elif kind == "charge.dispute.created":
        card_ids = list(
            GiftCard.objects.filter(
                is_active=True, transactions__preorder__payment_intent_id=obj.get("payment_intent")
            ).values_list("pk", flat=True)
        )
        GiftCard.objects.filter(pk__in=card_ids).update(is_active=False)
        logger.warning("dispute opened on charge %s; froze %s linked gift cards", obj["id"], len(card_ids))

    else:
        logger.debug("ignoring stripe event type %s", kind)
