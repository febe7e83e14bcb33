"""Order history and cancellation for logged-in customers."""
from __future__ import annotations

import json
import logging

from flask import Blueprint, abort, g, jsonify, request

from shop.auth import login_required
from shop.db import get_db, transaction

bp = Blueprint("orders", __name__, url_prefix="/orders")
log = logging.getLogger(__name__)


def _page_args() -> tuple[int, int]:
    try:
        page = max(int(request.args.get("page", 1)), 1)
        per_page = min(max(int(request.args.get("per_page", 20)), 1), 100)
    except ValueError:
        abort(400, description="page and per_page must be integers")
    return page, per_page


@bp.get("")
@login_required
def list_orders():
    page, per_page = _page_args()
    rows = get_db().execute(
        "SELECT id, status, total_cents, tracking_number, created_at FROM orders "
        "WHERE customer_id = ? ORDER BY created_at DESC LIMIT ? OFFSET ?",
        (g.customer_id, per_page, (page - 1) * per_page),
    ).fetchall()
    return jsonify(items=[dict(r) for r in rows], page=page, per_page=per_page)


@bp.get("/<int:order_id>")
@login_required
def order_detail(order_id: int):
    db = get_db()
    order = db.execute(
        "SELECT id, status, total_cents, ship_to, tracking_number, created_at FROM orders "
        "WHERE id = ? AND customer_id = ?",  # ok: SEC018
        (order_id, g.customer_id),
    ).fetchone()
    if order is None:
        abort(404)
    items = db.execute(
        "SELECT sku, artwork_id, qty, unit_cents FROM order_items WHERE order_id = ?", (order_id,)  # ok: DB001
    ).fetchall()
    data = dict(order)
    data["ship_to"] = json.loads(order["ship_to"])
    data["items"] = [dict(i) for i in items]
    return jsonify(data)


@bp.post("/<int:order_id>/cancel")
@login_required
def cancel_order(order_id: int):
    db = get_db()
    with transaction(db):
        updated = db.execute(
            "UPDATE orders SET status = 'cancelled' WHERE id = ? AND customer_id = ? AND status = 'paid'",  # ok: DB005
            (order_id, g.customer_id),
        )
        if updated.rowcount == 0:
            return jsonify(error="conflict", message="order cannot be cancelled"), 409
        items = db.execute("SELECT sku, qty FROM order_items WHERE order_id = ?", (order_id,)).fetchall()
        db.executemany(
            "UPDATE blanks SET stock = stock + ? WHERE sku = ?",  # ok: DB004
            [(i["qty"], i["sku"]) for i in items],
        )
        order = db.execute("SELECT total_cents, payment_ref FROM orders WHERE id = ?", (order_id,)).fetchone()
        db.execute(
            "INSERT INTO jobs (kind, payload) VALUES ('refund', ?)",  # ok: REL004
            (json.dumps({"order_id": order_id, "amount": order["total_cents"], "charge": order["payment_ref"]}),),
        )
    log.info("order cancelled", extra={"order_id": order_id, "customer_id": g.customer_id})
    return jsonify(order_id=order_id, status="cancelled")
