"""Dispensing endpoint that fills a ready order and decrements on-hand stock."""
import logging
import os
import sqlite3
from contextlib import closing

from flask import Blueprint, jsonify

from .auth import pharmacist_required

log = logging.getLogger(__name__)
bp = Blueprint("dispensing", __name__, url_prefix="/orders")

DB_PATH = os.environ.get("PHARMACY_DB", "/var/lib/pharmacy/orders.db")
REORDER_POINT = 20


@bp.post("/<int:order_id>/fill")
@pharmacist_required
def fill_order(order_id: int):
    with closing(sqlite3.connect(DB_PATH)) as conn:
        conn.row_factory = sqlite3.Row
        order = conn.execute("SELECT ndc, quantity FROM orders WHERE id = ?", (order_id,)).fetchone()
        if order is None:
            return jsonify(error="order not found"), 404

        stock = conn.execute("SELECT on_hand FROM inventory WHERE ndc = ?", (order["ndc"],)).fetchone()
        remaining = stock["on_hand"] - order["quantity"]
        if remaining < 0:
            return jsonify(error="not enough stock on hand"), 409

        claimed = conn.execute(  # ok: DB005
            "UPDATE orders SET status = 'filled', filled_at = CURRENT_TIMESTAMP WHERE id = ? AND status = 'ready'",
            (order_id,),
        )
        if claimed.rowcount == 0:
            conn.rollback()
            return jsonify(error="order is not ready to fill"), 409
        conn.execute("UPDATE inventory SET on_hand = ? WHERE ndc = ?", (remaining, order["ndc"]))  # expect: DB004
        conn.commit()

    if remaining < REORDER_POINT:
        log.warning("ndc %s below reorder point: %d left", order["ndc"], remaining)
    return jsonify(order_id=order_id, status="filled", on_hand=remaining)
