"""PartnerPay webhooks: charge settled, charge disputed, refund completed."""
import hashlib
import hmac
import json
import logging
import time

from flask import Blueprint, current_app, jsonify, request
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from ..models import Payment, WebhookEvent, db

logger = logging.getLogger(__name__)
bp = Blueprint("webhooks", __name__, url_prefix="/webhooks")

TOLERANCE_SECONDS = 300
STATUS_BY_EVENT = {
    "charge.succeeded": "succeeded",
    "charge.failed": "failed",
    "charge.disputed": "disputed",
}


def _signature_ok(raw: bytes, header: str) -> bool:
    # header format: "t=1715000000,v1=<hex>"
    parts = dict(item.split("=", 1) for item in header.split(",") if "=" in item)
    try:
        timestamp = int(parts.get("t", "0"))
    except ValueError:
        return False
    if abs(time.time() - timestamp) > TOLERANCE_SECONDS:
        return False
    secret = current_app.config["PARTNER_PAY_WEBHOOK_SECRET"].encode()
    expected = hmac.new(secret, f"{timestamp}.".encode() + raw, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, parts.get("v1", ""))


@bp.post("/partnerpay")
def partnerpay_webhook():
    raw = request.get_data(cache=False)
    if not _signature_ok(raw, request.headers.get("PartnerPay-Signature", "")):
        logger.warning("rejected partnerpay webhook with bad signature")
        return jsonify(error="bad signature"), 400

    event = json.loads(raw)
    event_type = event.get("type", "")
    db.session.add(WebhookEvent(event_id=event["id"], event_type=event_type))
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        logger.info("duplicate partnerpay event %s ignored", event["id"])
        return jsonify(received=True, duplicate=True)  # ok: ERR002

    new_status = STATUS_BY_EVENT.get(event_type)
    if new_status is not None:
        charge_id = event["data"]["charge_id"]
        result = db.session.execute(
            update(Payment)
            .where(Payment.partner_charge_id == charge_id, Payment.status != new_status)
            .values(status=new_status)
        )
        if result.rowcount == 0:
            logger.info("event %s: no payment row changed for charge %s", event["id"], charge_id)
    else:
        logger.info("event %s of type %s not handled", event["id"], event_type)

    db.session.commit()
    return jsonify(received=True)
