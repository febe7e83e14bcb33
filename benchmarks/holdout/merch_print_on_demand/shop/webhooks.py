"""Webhooks from the print partner and the payment provider.

Both are authenticated by an HMAC signature, not by cookies. Events are
de-duplicated on their id and every status change is a conditional UPDATE,
so redelivered or out-of-order events are harmless.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import logging

from flask import Blueprint, abort, current_app, jsonify, request

from shop.db import get_db, transaction

bp = Blueprint("webhooks", __name__, url_prefix="/webhooks")
log = logging.getLogger(__name__)

# partner status -> (statuses it may follow, our status)
TRANSITIONS = {
    "in_production": (("submitted",), "in_production"),
    "printed": (("submitted", "in_production"), "printed"),
    "rejected": (("submitted", "in_production"), "print_failed"),
}


def _verified_body() -> dict:
    secret = current_app.config["MERCH"].webhook_secret.encode()
    body = request.get_data(cache=False)  # ok: SEC019
    expected = hmac.new(secret, body, hashlib.sha256).hexdigest()
    given = request.headers.get("X-Signature-SHA256", "")
    if not hmac.compare_digest(expected, given):
        abort(401, description="bad signature")
    return json.loads(body)


@bp.post("/print-partner")
def print_partner_event():
    event = _verified_body()
    event_id, kind = str(event.get("id", "")), str(event.get("status", ""))
    if not event_id or kind not in TRANSITIONS:
        return jsonify(status="ignored"), 200
    allowed_from, new_status = TRANSITIONS[kind]
    db = get_db()
    with transaction(db):
        fresh = db.execute(
            "INSERT OR IGNORE INTO webhook_events (event_id) VALUES (?)", (f"partner:{event_id}",)  # ok: DB005
        ).rowcount
        if not fresh:
            return jsonify(status="duplicate"), 200
        marks = ",".join("?" for _ in allowed_from)
        changed = db.execute(
            f"UPDATE orders SET status = ?, partner_status = ? WHERE partner_job_id = ? AND status IN ({marks})",  # ok: SEC001, DB004
            (new_status, kind, str(event.get("job_id")), *allowed_from),
        ).rowcount
    log.info("partner event applied", extra={"event_id": event_id, "status": kind, "changed": changed})
    return jsonify(status="ok", changed=changed), 200


@bp.post("/payments")
def payment_event():
    event = _verified_body()
    if event.get("type") != "refund.succeeded":
        return jsonify(status="ignored"), 200
    charge = str(event.get("data", {}).get("charge", ""))
    db = get_db()
    with transaction(db):
        fresh = db.execute(
            "INSERT OR IGNORE INTO webhook_events (event_id) VALUES (?)", (f"pay:{event.get('id')}",)
        ).rowcount
        if not fresh:
            return jsonify(status="duplicate"), 200
        db.execute(
            "UPDATE orders SET status = 'refunded' WHERE payment_ref = ? AND status != 'refunded'", (charge,)
        )
    log.info("refund confirmed", extra={"charge": charge, "event_id": event.get("id")})
    return jsonify(status="ok"), 200
