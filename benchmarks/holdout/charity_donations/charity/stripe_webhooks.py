import logging

import stripe
from flask import Blueprint, current_app, g, jsonify, request
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from .models import Donation, Refund, StripeEvent

logger = logging.getLogger(__name__)
bp = Blueprint("stripe_webhooks", __name__, url_prefix="/hooks")

MAX_EVENT_BYTES = 256 * 1024


def _payment_intent_changed(intent):
    g.db.execute(
        update(Donation)
        .where(Donation.stripe_payment_intent == intent["id"])
        .values(status=intent["status"])
    )


def _charge_refunded(charge):
    intent_id = charge.get("payment_intent")
    donation = g.db.scalar(select(Donation).where(Donation.stripe_payment_intent == intent_id))
    if donation is None:
        logger.warning("refund for unknown payment intent %s", intent_id)
        return
    known = set(g.db.scalars(select(Refund.stripe_refund_id).where(Refund.donation_id == donation.id)))
    for refund in charge.get("refunds", {}).get("data", []):
        if refund["id"] in known:
            continue
        g.db.add(Refund(donation_id=donation.id, amount_pence=refund["amount"], stripe_refund_id=refund["id"], reason=refund.get("reason") or "dashboard"))
    g.db.execute(
        update(Donation)
        .where(Donation.id == donation.id)
        .values(refunded_pence=charge["amount_refunded"])  # ok: DB004
    )


HANDLERS = {
    "payment_intent.succeeded": lambda obj: _payment_intent_changed(obj),
    "payment_intent.payment_failed": lambda obj: _payment_intent_changed(obj),
    "charge.refunded": lambda obj: _charge_refunded(obj),
}


@bp.post("/stripe")
def stripe_webhook():
    if request.content_length and request.content_length > MAX_EVENT_BYTES:
        return jsonify({"error": {"code": "too_large", "message": "Payload too large"}}), 413
    payload = request.get_data(cache=False)  # ok: SEC019
    signature = request.headers.get("Stripe-Signature", "")
    try:
        event = stripe.Webhook.construct_event(payload, signature, current_app.extensions["settings"].stripe_webhook_secret)  # ok: SEC018
    except (ValueError, stripe.error.SignatureVerificationError):
        logger.warning("rejected stripe webhook with bad signature")
        return jsonify({"error": {"code": "bad_signature", "message": "Invalid signature"}}), 400

    handler = HANDLERS.get(event["type"])
    if handler is None:
        return jsonify({"data": {"ignored": event["type"]}}), 200

    g.db.add(StripeEvent(id=event["id"], type=event["type"]))
    try:
        g.db.flush()  # ok: DB005
    except IntegrityError:
        g.db.rollback()
        logger.info("duplicate stripe event %s", event["id"])
        return jsonify({"data": {"duplicate": event["id"]}}), 200

    handler(event["data"]["object"])
    g.db.commit()
    logger.info("processed stripe event %s type=%s", event["id"], event["type"])
    return jsonify({"data": {"processed": event["id"]}}), 200
