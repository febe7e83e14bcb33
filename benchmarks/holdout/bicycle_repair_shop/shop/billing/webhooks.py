"""Stripe webhook: settles invoices from payment_intent events."""
import logging
from datetime import datetime, timezone

import stripe
from flask import Blueprint, current_app, jsonify, request
from sqlalchemy import update

from .. import csrf, db
from ..models import Invoice

bp = Blueprint("webhooks", __name__)
log = logging.getLogger(__name__)

MAX_EVENT_BYTES = 256 * 1024


@bp.post("/stripe")
@csrf.exempt  # ok: SEC014
def stripe_event():
    if (request.content_length or 0) > MAX_EVENT_BYTES:
        return jsonify(error="payload too large"), 413
    payload = request.get_data(cache=False)  # ok: SEC019
    signature = request.headers.get("Stripe-Signature", "")
    try:
        event = stripe.Webhook.construct_event(
            payload, signature, current_app.config["STRIPE_WEBHOOK_SECRET"]
        )
    except (ValueError, stripe.SignatureVerificationError):
        log.warning("rejected stripe webhook with bad payload or signature")
        return jsonify(error="invalid signature"), 400

    intent = event["data"]["object"]
    invoice_id = int(intent.get("metadata", {}).get("invoice_id", 0) or 0)
    if not invoice_id:
        return jsonify(received=True, ignored=True)

    if event["type"] == "payment_intent.succeeded":
        updated = db.session.execute(
            update(Invoice)
            .where(Invoice.id == invoice_id, Invoice.status != "paid")
            .values(status="paid", payment_intent_id=intent["id"], paid_at=datetime.now(timezone.utc))
        ).rowcount
    elif event["type"] == "payment_intent.payment_failed":
        updated = db.session.execute(
            update(Invoice)
            .where(Invoice.id == invoice_id, Invoice.status == "processing")
            .values(status="declined")
        ).rowcount
    else:
        return jsonify(received=True, ignored=True)

    db.session.commit()
    log.info("stripe event %s (%s) for invoice %s updated %d rows", event["id"], event["type"], invoice_id, updated)
    return jsonify(received=True)
