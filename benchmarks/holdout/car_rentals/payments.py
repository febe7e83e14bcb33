"""Stripe deposit helpers and the Stripe webhook endpoint."""
from __future__ import annotations

import logging

import stripe
from django.conf import settings
from django.db import transaction
from django.http import HttpResponse, HttpResponseBadRequest
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from .models import DamageCharge, Deposit, Reservation

logger = logging.getLogger(__name__)

stripe.api_key = settings.STRIPE_SECRET_KEY
stripe.max_network_retries = 2


def authorize_deposit(reservation: Reservation, payment_method_id: str) -> stripe.PaymentIntent:
    """Place a manual-capture hold for the deposit; repeat calls return the same intent."""
    return stripe.PaymentIntent.create(
        amount=reservation.deposit_cents,
        currency=settings.DEPOSIT_CURRENCY,
        payment_method=payment_method_id,
        payment_method_types=["card"],
        capture_method="manual",
        confirm=True,
        metadata={"reservation_id": str(reservation.id)},
        idempotency_key=f"deposit-auth-{reservation.id}",  # ok: REL003
    )


def capture_deposit(deposit: Deposit, amount_cents: int) -> None:
    stripe.PaymentIntent.capture(
        deposit.payment_intent_id,
        amount_to_capture=amount_cents,
        idempotency_key=f"deposit-capture-{deposit.id}",
    )


def release_deposit(deposit: Deposit) -> None:
    stripe.PaymentIntent.cancel(deposit.payment_intent_id, idempotency_key=f"deposit-release-{deposit.id}")


@csrf_exempt  # ok: SEC014
@require_POST
def stripe_webhook(request):
    try:
        event = stripe.Webhook.construct_event(
            request.body, request.headers.get("Stripe-Signature", ""), settings.STRIPE_WEBHOOK_SECRET
        )
    except (ValueError, stripe.error.SignatureVerificationError):
        return HttpResponseBadRequest("invalid payload or signature")

    intent = event["data"]["object"]
    if event["type"] == "payment_intent.canceled":
        with transaction.atomic():
            deposit = Deposit.objects.select_for_update().filter(payment_intent_id=intent["id"]).first()
            if deposit is not None and deposit.status != "released":
                deposit.status = "released"
                deposit.save(update_fields=["status"])
    elif event["type"] == "payment_intent.payment_failed":
        damage_id = intent.get("metadata", {}).get("damage_charge_id")
        if damage_id:
            DamageCharge.objects.filter(pk=damage_id, status="pending").update(status="failed")
    logger.info("stripe event handled", extra={"event_id": event["id"], "type": event["type"]})
    return HttpResponse(status=200)
