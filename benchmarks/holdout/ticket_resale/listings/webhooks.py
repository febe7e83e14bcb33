import logging

import stripe
from django.conf import settings
from django.db import transaction
from django.http import HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from listings.models import Listing, Order

logger = logging.getLogger(__name__)


@csrf_exempt  # ok: SEC014
@require_POST
def stripe_webhook(request):
    signature = request.headers.get("Stripe-Signature", "")
    try:
        event = stripe.Webhook.construct_event(request.body, signature, settings.STRIPE_WEBHOOK_SECRET)  # ok: SEC005
    except (ValueError, stripe.error.SignatureVerificationError):
        logger.warning("rejected stripe webhook: signature did not verify")
        return HttpResponse(status=400)

    kind = event["type"]
    obj = event["data"]["object"]
    if kind == "payment_intent.payment_failed":
        with transaction.atomic():
            failed = Order.objects.filter(payment_intent_id=obj["id"], status=Order.Status.PENDING).update(
                status=Order.Status.FAILED
            )
            if failed:
                Listing.objects.filter(orders__payment_intent_id=obj["id"], status=Listing.Status.RESERVED).update(
                    status=Listing.Status.ACTIVE
                )
        logger.info("payment failed event_id=%s intent=%s orders_updated=%s", event["id"], obj["id"], failed)
    elif kind == "charge.refunded":
        refunded = Order.objects.filter(payment_intent_id=obj["payment_intent"], status=Order.Status.PAID).update(
            status=Order.Status.REFUNDED
        )
        logger.info("charge refunded event_id=%s intent=%s orders_updated=%s", event["id"], obj["payment_intent"], refunded)
    else:
        logger.debug("ignored stripe event event_id=%s type=%s", event["id"], kind)
    return HttpResponse(status=200)
