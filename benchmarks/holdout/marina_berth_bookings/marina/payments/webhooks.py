"""Stripe webhook receiver. Each event id is stored so replays are ignored."""
import logging

import stripe
from flask import Blueprint, current_app, jsonify, request
from sqlalchemy.exc import IntegrityError

from marina.app import csrf
from marina.models import Booking, FuelPurchase, RefundRequest, StripeEvent, db

log = logging.getLogger(__name__)
bp = Blueprint("stripe_webhooks", __name__, url_prefix="/hooks")


def _intent_succeeded(intent):
    Booking.query.filter_by(payment_intent_id=intent["id"], status="held").update(
        {"status": "confirmed"}, synchronize_session=False
    )
    FuelPurchase.query.filter_by(payment_intent_id=intent["id"]).filter(
        FuelPurchase.status.in_(("pending", "processing"))
    ).update({"status": "paid"}, synchronize_session=False)


def _intent_failed(intent):
    Booking.query.filter_by(payment_intent_id=intent["id"], status="held").update(
        {"status": "payment_failed"}, synchronize_session=False
    )
    FuelPurchase.query.filter_by(payment_intent_id=intent["id"], status="processing").update(
        {"status": "declined"}, synchronize_session=False
    )


def _refund_updated(refund):
    RefundRequest.query.filter_by(stripe_refund_id=refund["id"]).update(
        {"status": "issued" if refund["status"] == "succeeded" else refund["status"]},
        synchronize_session=False,
    )


HANDLERS = {
    "payment_intent.succeeded": _intent_succeeded,
    "payment_intent.payment_failed": _intent_failed,
    "refund.updated": _refund_updated,
}


@bp.post("/stripe")
@csrf.exempt  # ok: SEC014
def stripe_webhook():
    payload = request.get_data()  # ok: SEC019
    signature = request.headers.get("Stripe-Signature", "")
    try:
        event = stripe.Webhook.construct_event(
            payload, signature, current_app.config["STRIPE_WEBHOOK_SECRET"]
        )
    except (ValueError, stripe.error.SignatureVerificationError):
        log.warning("rejected stripe webhook: bad payload or signature")
        return jsonify(error="invalid_signature"), 400

    handler = HANDLERS.get(event["type"])
    if handler is None:
        return jsonify(status="ignored"), 200

    try:
        db.session.add(StripeEvent(id=event["id"], type=event["type"]))
        db.session.flush()  # ok: DB005
    except IntegrityError:
        db.session.rollback()
        log.info("stripe event %s already processed", event["id"])
        return jsonify(status="duplicate"), 200

    handler(event["data"]["object"])
    db.session.commit()
    log.info("stripe event %s (%s) processed", event["id"], event["type"])
    return jsonify(status="processed"), 200
