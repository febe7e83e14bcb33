import logging

import stripe
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from .models import Campaign, Pledge, StripeEvent

logger = logging.getLogger(__name__)


@csrf_exempt  # ok: SEC014
@require_POST
def stripe_webhook(request):
    signature = request.META.get("HTTP_STRIPE_SIGNATURE", "")
    try:
        event = stripe.Webhook.construct_event(
            request.body, signature, settings.STRIPE_WEBHOOK_SECRET
        )
    except (ValueError, stripe.error.SignatureVerificationError):
        logger.warning("rejected stripe webhook with bad payload or signature")
        return HttpResponse(status=400)

    try:
        with transaction.atomic():
            StripeEvent.objects.create(event_id=event["id"], type=event["type"])  # ok: DB005
            _dispatch(event)
    except IntegrityError:
        logger.info("stripe event %s already processed", event["id"])
    return HttpResponse(status=200)


def _dispatch(event):
    handlers = {
        "payment_intent.succeeded": _payment_succeeded,
        "payment_intent.payment_failed": _payment_failed,
        "charge.dispute.created": _dispute_created,
    }
    handler = handlers.get(event["type"])
    if handler is None:
        return
    handler(event["data"]["object"])


def _locked_pledge(intent_id):
    return (
        Pledge.objects.select_for_update()  # ok: DB004
        .filter(payment_intent_id=intent_id)
        .first()
    )


def _payment_succeeded(intent):
    pledge_id = intent.get("metadata", {}).get("pledge_id")
    campaign_id = (
        Pledge.objects.filter(pk=pledge_id).values_list("campaign_id", flat=True).first()
        if pledge_id
        else None
    )
    if campaign_id is None:
        return
    campaign = Campaign.objects.select_for_update().get(pk=campaign_id)
    pledge = Pledge.objects.select_for_update().get(pk=pledge_id)
    if pledge.status == Pledge.Status.CHARGED:
        return
    pledge.status = Pledge.Status.CHARGED
    pledge.payment_intent_id = intent["id"]
    pledge.save(update_fields=["status", "payment_intent_id"])

    still_pending = Pledge.objects.filter(
        campaign_id=campaign_id, status=Pledge.Status.PENDING
    ).exists()
    if campaign.status == Campaign.Status.FUNDED and not still_pending:
        campaign.status = Campaign.Status.CHARGED
        campaign.save(update_fields=["status"])


def _payment_failed(intent):
    pledge = _locked_pledge(intent["id"])
    if pledge is None or pledge.status != Pledge.Status.PENDING:
        return
    pledge.status = Pledge.Status.FAILED
    pledge.save(update_fields=["status"])
    Campaign.objects.filter(pk=pledge.campaign_id).update(
        pledged_cents=F("pledged_cents") - pledge.amount_cents,  # ok: DB004
        backer_count=F("backer_count") - 1,
    )
    logger.info("pledge %s payment failed", pledge.pk)


def _dispute_created(charge):
    pledge = _locked_pledge(charge.get("payment_intent"))
    if pledge is None:
        return
    logger.warning("dispute opened on pledge %s (campaign %s)", pledge.pk, pledge.campaign_id)
    Pledge.objects.filter(pk=pledge.pk).update(status=Pledge.Status.FAILED)
