"""Tillpoint webhook receiver.

Tillpoint signs each delivery with HMAC-SHA256 over "<timestamp>.<body>" and
retries deliveries for up to three days, so every event is applied at most once.
"""
import hashlib
import hmac
import json
import logging
import time

from flask import Blueprint, abort, current_app, jsonify, request
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from tailor.models import Order, Payment, ProcessedWebhook, db

bp = Blueprint("webhooks", __name__, url_prefix="/webhooks")
log = logging.getLogger(__name__)

MAX_SKEW_SECONDS = 300


def _verify(raw_body, header):
    try:
        parts = dict(item.split("=", 1) for item in header.split(","))
        ts, signature = int(parts["t"]), parts["v1"]
    except (KeyError, ValueError):
        return False
    if abs(time.time() - ts) > MAX_SKEW_SECONDS:
        return False
    secret = current_app.config["PAYMENTS_WEBHOOK_SECRET"].encode()
    expected = hmac.new(secret, f"{ts}.".encode() + raw_body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, signature)


@bp.post("/tillpoint")
def tillpoint_event():
    raw = request.get_data(cache=False)  # ok: SEC019
    if not _verify(raw, request.headers.get("Tillpoint-Signature", "")):
        abort(401, description="bad signature")
    event = json.loads(raw)

    db.session.add(ProcessedWebhook(event_id=event["id"]))
    try:
        db.session.flush()
    except IntegrityError:  # ok: DB005
        db.session.rollback()
        log.info("tillpoint event %s already processed", event["id"])
        return jsonify(status="duplicate")

    obj = event["data"]
    if event["type"] == "charge.succeeded":
        key = (obj.get("metadata") or {}).get("idempotency_key")
        if key:
            db.session.execute(
                update(Payment)
                .where(Payment.idempotency_key == key, Payment.status == "pending")
                .values(status="succeeded", provider_ref=obj["id"])
            )
    elif event["type"] == "charge.refunded":
        payment = Payment.query.filter_by(provider_ref=obj["id"]).one_or_none()
        if payment is not None and payment.status != "refunded":
            payment.status = "refunded"
            if payment.kind == "deposit":
                db.session.execute(
                    update(Order).where(Order.id == payment.order_id).values(deposit_cents=0)
                )
    else:
        log.debug("ignoring tillpoint event type %s", event["type"])

    db.session.commit()
    log.info("tillpoint event %s (%s) applied", event["id"], event["type"])
    return jsonify(status="ok")
