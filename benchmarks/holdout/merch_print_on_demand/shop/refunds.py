"""Self-service refunds for orders that have not been sent to print yet,
and reprint requests for damaged deliveries."""
from __future__ import annotations

import logging
from datetime import datetime, timedelta, timezone

import requests
from flask import Blueprint, current_app, g, jsonify, request

from shop.auth import login_required
from shop.db import get_db

bp = Blueprint("refunds", __name__)
log = logging.getLogger(__name__)

REFUNDABLE = {"paid", "cancelled"}
REPRINT_WINDOW = timedelta(days=30)


@bp.post("/orders/<int:order_id>/refund")
@login_required
def refund_order(order_id: int):
    db = get_db()
    order = db.execute(
        "SELECT id, customer_id, total_cents, status, payment_ref FROM orders WHERE id = ?", (order_id,)  # expect: SEC018
    ).fetchone()
    if order is None:
        return jsonify(error="not_found", message="order not found"), 404
    if order["status"] not in REFUNDABLE:
        return jsonify(error="conflict", message=f"order is {order['status']}"), 409

    cfg = current_app.config["MERCH"]
    try:
        resp = requests.post(  # expect: DB005, REL003
            f"{cfg.payments.base_url}/v1/refunds",
            json={"charge": order["payment_ref"], "amount": order["total_cents"], "reason": "requested_by_customer"},
            headers={"Authorization": f"Bearer {cfg.payments.api_key}"},
            timeout=cfg.payments.timeout_s,
        )
        resp.raise_for_status()
        db.execute("UPDATE orders SET status = 'refunded' WHERE id = ?", (order_id,))
        db.commit()
    except requests.RequestException:
        log.exception("refund failed", extra={"order_id": order_id})
    return jsonify(order_id=order_id, status="refund_requested"), 200  # expect: ERR002


@bp.post("/orders/<int:order_id>/reprint")
@login_required
def request_reprint(order_id: int):
    body = request.get_json(silent=True) or {}
    reason = str(body.get("reason", "")).strip()[:500]
    if not reason:
        return jsonify(error="invalid_request", message="please describe the damage"), 400
    db = get_db()
    order = db.execute(
        "SELECT id, status, created_at FROM orders WHERE id = ? AND customer_id = ?", (order_id, g.customer_id)
    ).fetchone()
    if order is None:
        return jsonify(error="not_found", message="order not found"), 404
    placed = datetime.fromisoformat(order["created_at"]).replace(tzinfo=timezone.utc)
    if order["status"] != "shipped" or datetime.now(timezone.utc) - placed > REPRINT_WINDOW:
        return jsonify(error="conflict", message="order is not eligible for a reprint"), 409
    db.execute(
        "INSERT INTO jobs (kind, payload) VALUES ('reprint_review', json_object('order_id', ?, 'reason', ?))",
        (order_id, reason),
    )
    log.info("reprint requested", extra={"order_id": order_id, "customer_id": g.customer_id})
    return jsonify(order_id=order_id, status="under_review"), 202
