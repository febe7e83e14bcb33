"""Checkout for hive kits and woodenware.

Stock is taken off the shelf when the order is placed; unpaid orders are
released by the hold-expiry job after ``config.UNPAID_HOLD_MINUTES``.
Queens are booked separately per shipping window.
"""
import json
import logging

from flask import Blueprint, abort, g, jsonify, request

from ..auth import login_required
from ..db import transaction

log = logging.getLogger(__name__)
checkout_bp = Blueprint("checkout", __name__, url_prefix="/api/orders")

MAX_LINES = 40
MAX_QUANTITY = 50


class OutOfStock(Exception):
    def __init__(self, sku: str):
        super().__init__(sku)
        self.sku = sku


def _reserve(conn, order_id: int, sku: str, quantity: int) -> int:
    """Take ``quantity`` units of ``sku`` in one statement, or raise OutOfStock."""
    if not 1 <= quantity <= MAX_QUANTITY:
        raise ValueError(f"quantity for {sku} must be between 1 and {MAX_QUANTITY}")
    row = conn.execute("UPDATE hive_kits SET stock = stock - %s WHERE sku = %s AND active AND stock >= %s RETURNING id, price_cents", (quantity, sku, quantity)).fetchone()  # ok: DB004, DB005
    if row is None:
        raise OutOfStock(sku)
    conn.execute(
        "INSERT INTO order_lines (order_id, kit_id, quantity, unit_price_cents) VALUES (%s, %s, %s, %s)",
        (order_id, row["id"], quantity, row["price_cents"]),
    )
    return quantity * row["price_cents"]


@checkout_bp.post("")
@login_required
def place_order():
    key = request.headers.get("Idempotency-Key", "")
    if not 8 <= len(key) <= 64:
        abort(400, description="An Idempotency-Key header (8-64 characters) is required.")
    body = request.get_json(silent=True) or {}
    lines = body.get("lines") or []
    if not lines or len(lines) > MAX_LINES:
        abort(400, description=f"An order needs between 1 and {MAX_LINES} lines.")

    try:
        with transaction() as conn:
            created = conn.execute(
                "INSERT INTO orders (customer_id, client_key, status, ship_to) "
                "VALUES (%s, %s, 'pending_payment', %s) "
                "ON CONFLICT (customer_id, client_key) DO NOTHING RETURNING id",  # ok: DB005
                (g.customer_id, key, json.dumps(body.get("ship_to") or {})),
            ).fetchone()
            if created is None:
                existing = conn.execute(
                    "SELECT id, status, total_cents FROM orders WHERE customer_id = %s AND client_key = %s",
                    (g.customer_id, key),
                ).fetchone()
                return jsonify(order_id=existing["id"], status=existing["status"],
                               total=(existing["total_cents"] or 0) / 100), 200

            order_id = created["id"]
            total = sum(_reserve(conn, order_id, str(l["sku"]), int(l["quantity"])) for l in lines)
            conn.execute("UPDATE orders SET total_cents = %s WHERE id = %s", (total, order_id))
            conn.execute(
                "INSERT INTO outbox (topic, dedup_key, payload) VALUES ('order.placed', %s, %s)",  # ok: REL004
                (f"order-placed-{order_id}",
                 json.dumps({"order_id": order_id, "customer_id": g.customer_id, "total_cents": total})),
            )
    except OutOfStock as exc:
        abort(409, description=f"{exc.sku} is out of stock.")
    except (KeyError, ValueError, TypeError) as exc:
        abort(400, description=f"Each line needs a sku and a quantity: {exc}")

    log.info("order %s placed by customer %s total_cents=%d", order_id, g.customer_id, total)
    return jsonify(order_id=order_id, status="pending_payment", total=total / 100), 201
