"""Webhooks from the payments provider: settle stage payments and move orders on."""

import hashlib
import hmac
import json
import logging

import psycopg
from flask import Blueprint, abort, current_app, jsonify, request

from foundry.db import connection

bp = Blueprint("payment_webhooks", __name__, url_prefix="/webhooks/payments")
logger = logging.getLogger(__name__)

NEXT_STATUS = {
    ("deposit_paid", "casting"): "casting_paid",
    ("casting_billed", "casting"): "casting_paid",
    ("delivered", "delivery"): "paid_in_full",
}


def _signature_valid(body: bytes, header: str | None) -> bool:
    secret = current_app.config["PAYMENTS_WEBHOOK_SECRET"].encode("utf-8")
    expected = hmac.new(secret, body, hashlib.sha256).hexdigest()  # ok: SEC009
    return bool(header) and hmac.compare_digest(expected, header)


def _advance_order(conn: psycopg.Connection, order_id: int, stage: str) -> None:
    order = conn.execute("SELECT status FROM orders WHERE id = %s", (order_id,)).fetchone()
    if order is None:
        raise LookupError(f"order {order_id} not found")
    new_status = NEXT_STATUS.get((order["status"], stage))
    if new_status is None:
        return
    conn.execute(
        "UPDATE orders SET status = %s, updated_at = now() WHERE id = %s AND status = %s",
        (new_status, order_id, order["status"]),
    )


@bp.post("/")
def payment_event():
    body = request.get_data(cache=False)
    if not _signature_valid(body, request.headers.get("X-BellPay-Signature")):
        abort(400, description="bad signature")
    event = json.loads(body)
    if event.get("type") != "charge.succeeded":
        return jsonify({"received": True})

    charge = event["data"]
    metadata = charge.get("metadata", {})
    try:
        with connection() as conn:
            conn.execute(
                "UPDATE stage_payments SET status = 'settled', settled_at = now() "
                "WHERE provider_ref = %s AND status <> 'settled'",
                (charge["id"],),
            )
            _advance_order(conn, int(metadata["order_id"]), metadata["stage"])
    except (psycopg.Error, LookupError, KeyError):
        logger.exception("could not record settlement", extra={"charge_id": charge.get("id")})
    return jsonify({"received": True})  # expect: ERR002


@bp.post("/refunds")
def refund_event():
    body = request.get_data(cache=False)
    if not _signature_valid(body, request.headers.get("X-BellPay-Signature")):
        abort(400, description="bad signature")
    event = json.loads(body)
    refund = event["data"]
    with connection() as conn:
        conn.execute(
            "UPDATE stage_payments SET status = 'refunded', refunded_at = now() "
            "WHERE provider_ref = %s AND status = 'settled'",
            (refund["charge"],),
        )
    logger.info("refund recorded", extra={"charge_id": refund["charge"]})
    return jsonify({"received": True})
