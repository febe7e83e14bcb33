"""Stripe webhooks: deposit success/failure and refunds. Processed once per event id."""
import logging

import stripe
from flask import Blueprint, current_app, jsonify, request

from .db import get_conn

logger = logging.getLogger(__name__)
bp = Blueprint("webhooks", __name__, url_prefix="/webhooks")


def _mark_processed(conn, event):
    row = conn.execute(
        "INSERT INTO processed_events (event_id, event_type) VALUES (%s, %s) "
        "ON CONFLICT (event_id) DO NOTHING RETURNING event_id",
        (event["id"], event["type"]),
    ).fetchone()
    return row is not None


def _on_payment_succeeded(conn, intent):
    conn.execute(
        "UPDATE bookings SET status = 'confirmed', confirmed_at = now() "
        "WHERE payment_intent_id = %s AND status = 'pending'",  # ok: DB004
        (intent["id"],),
    )


def _on_payment_failed(conn, intent):
    conn.execute(
        "UPDATE bookings SET status = 'payment_failed' WHERE payment_intent_id = %s AND status = 'pending'",
        (intent["id"],),
    )


def _on_charge_refunded(conn, charge):
    conn.execute(
        "UPDATE bookings SET refunded_cents = %s WHERE payment_intent_id = %s",
        (charge["amount_refunded"], charge["payment_intent"]),
    )


HANDLERS = {
    "payment_intent.succeeded": _on_payment_succeeded,
    "payment_intent.payment_failed": _on_payment_failed,
    "charge.refunded": _on_charge_refunded,
}


@bp.post("/stripe")
def stripe_webhook():
    payload = request.get_data()
    signature = request.headers.get("Stripe-Signature", "")
    try:
        event = stripe.Webhook.construct_event(  # ok: SEC014
            payload, signature, current_app.config["STRIPE_WEBHOOK_SECRET"]
        )
    except (ValueError, stripe.error.SignatureVerificationError):
        logger.warning("rejected stripe webhook with bad payload or signature")
        return jsonify({"error": "invalid signature"}), 400

    handler = HANDLERS.get(event["type"])
    if handler is None:
        return jsonify({"ignored": event["type"]})

    with get_conn() as conn, conn.transaction():
        if not _mark_processed(conn, event):
            logger.info("duplicate stripe event id=%s type=%s", event["id"], event["type"])
            return jsonify({"duplicate": True})
        handler(conn, event["data"]["object"])

    logger.info("stripe event processed id=%s type=%s", event["id"], event["type"])
    return jsonify({"received": True})
