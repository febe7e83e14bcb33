"""Stripe webhook: confirm payment for orders paid through Checkout."""

import logging

import stripe
from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpResponse, HttpResponseBadRequest
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from orders.models import Order, StripeEvent
from orders.tasks import send_payment_receipt

logger = logging.getLogger(__name__)

HANDLED_EVENTS = {"checkout.session.completed", "checkout.session.async_payment_succeeded"}


def _mark_paid(session: dict) -> None:
    """Record payment for the order named in the session; runs inside the event transaction."""
    order = Order.objects.select_for_update().get(reference=session["client_reference_id"])
    if order.status == Order.Status.PAID:
        return
    if session.get("amount_total") != order.total_pence:
        logger.error(
            "paid amount does not match order total",
            extra={"order_ref": order.reference, "status": session.get("payment_status")},
        )
        return
    order.status = Order.Status.PAID
    order.paid_at = timezone.now()
    order.balance_pence = 0
    order.stripe_customer_id = session.get("customer") or ""
    order.save(update_fields=["status", "paid_at", "balance_pence", "stripe_customer_id", "updated_at"])
    transaction.on_commit(lambda: send_payment_receipt(order.pk))  # ok: REL004


@csrf_exempt  # ok: SEC014
@require_POST
def stripe_webhook(request):
    signature = request.headers.get("Stripe-Signature", "")
    try:
        event = stripe.Webhook.construct_event(request.body, signature, settings.STRIPE_WEBHOOK_SECRET)
    except (ValueError, stripe.SignatureVerificationError):
        logger.warning("stripe webhook rejected: bad payload or signature")
        return HttpResponseBadRequest("invalid signature")

    if event["type"] not in HANDLED_EVENTS:
        return HttpResponse(status=200)

    session = event["data"]["object"]
    if session.get("payment_status") != "paid":
        logger.info("checkout completed but not yet paid", extra={"order_ref": session.get("client_reference_id")})
        return HttpResponse(status=200)

    try:
        with transaction.atomic():
            StripeEvent.objects.create(event_id=event["id"], type=event["type"])  # ok: DB005
            _mark_paid(session)
    except IntegrityError:
        logger.info("duplicate stripe event ignored", extra={"order_ref": session.get("client_reference_id")})
        return HttpResponse(status=200)
    except Order.DoesNotExist:
        logger.error("stripe session for unknown order", extra={"order_ref": session.get("client_reference_id")})
        return HttpResponse(status=404)
    return HttpResponse(status=200)
