"""Order status callbacks from the glass supplier (dispatched, delivered, back-ordered)."""
import hashlib
import hmac
import json
import logging

from flask import Blueprint, current_app, jsonify, request

from .db import connection

log = logging.getLogger(__name__)
bp = Blueprint("supplier_webhooks", __name__, url_prefix="/webhooks/supplier")

KNOWN_STATUSES = {"accepted", "dispatched", "delivered", "backordered", "cancelled"}


def _signature_ok(body, header):
    secret = current_app.config["SUPPLIER_WEBHOOK_SECRET"].encode()
    if not secret or not header:
        return False
    expected = hmac.new(secret, body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, header)


def _apply_event(conn, event):
    first = conn.execute(
        "INSERT INTO supplier_events (event_id, received_at) VALUES (%s, now()) "
        "ON CONFLICT (event_id) DO NOTHING RETURNING event_id",
        (event["id"],),
    ).fetchone()
    if first is None:
        return "duplicate"
    order = conn.execute(
        "UPDATE supplier_orders SET status = %s, updated_at = now() WHERE supplier_ref = %s RETURNING id",
        (event["status"], event["order_ref"]),
    ).fetchone()
    if order is None:
        raise LookupError(f"unknown supplier order {event['order_ref']}")
    if event["status"] == "delivered":
        for line in event.get("lines", []):
            conn.execute(  # ok: DB004
                "UPDATE glass_stock SET quantity = quantity + %s WHERE sku = %s",
                (int(line["qty"]), line["sku"]),
            )
    return "applied"


@bp.post("/order-status")
def order_status():
    body = request.get_data()
    log.info("supplier webhook headers=%s body=%s", dict(request.headers), body[:4000])  # expect: SEC007
    if not _signature_ok(body, request.headers.get("X-Supplier-Signature")):
        return jsonify(error="bad_signature"), 401
    try:
        event = json.loads(body)
    except ValueError:
        return jsonify(error="invalid_json"), 400
    if event.get("status") not in KNOWN_STATUSES:
        return jsonify(error="unknown_status"), 400

    try:
        with connection() as conn:
            outcome = _apply_event(conn, event)
    except Exception as exc:
        log.error("could not apply supplier event %s: %s", event.get("id"), exc)  # expect: OBS002
        return jsonify(received=True), 200  # expect: ERR002
    log.info("supplier event %s %s", event.get("id"), outcome)
    return jsonify(received=True, outcome=outcome), 200
