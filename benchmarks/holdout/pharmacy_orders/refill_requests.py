"""Patient refill requests: consumes one refill and queues the order for the pharmacist."""
import logging
import os
import sqlite3
from contextlib import closing

from flask import Blueprint, jsonify
from flask_login import current_user, login_required

log = logging.getLogger(__name__)
bp = Blueprint("refills", __name__, url_prefix="/refills")

DB_PATH = os.environ.get("PHARMACY_DB", "/var/lib/pharmacy/orders.db")


@bp.post("/<rx_number>")
@login_required
def request_refill(rx_number: str):
    with closing(sqlite3.connect(DB_PATH)) as conn:  # ok: RES001
        conn.row_factory = sqlite3.Row
        with conn:
            cur = conn.execute(  # ok: DB004
                "UPDATE prescriptions SET refills_left = refills_left - 1 "
                "WHERE rx_number = ? AND patient_id = ? AND refills_left > 0",
                (rx_number, current_user.patient_id),
            )
            if cur.rowcount == 0:
                return jsonify(error="no refills left on this prescription"), 409
            order_id = conn.execute(  # ok: SEC001
                "INSERT INTO orders (rx_number, patient_id, status) VALUES (?, ?, 'queued')",
                (rx_number, current_user.patient_id),
            ).lastrowid
    log.info("refill order %s queued for rx %s", order_id, rx_number)
    return jsonify(order_id=order_id, status="queued"), 201


@bp.get("")
@login_required
def my_refill_orders():
    with closing(sqlite3.connect(DB_PATH)) as conn:  # ok: RES001
        conn.row_factory = sqlite3.Row
        rows = conn.execute(
            "SELECT id, rx_number, status, created_at FROM orders "
            "WHERE patient_id = ? ORDER BY created_at DESC LIMIT 25",
            (current_user.patient_id,),
        ).fetchall()  # ok: DB002
    return jsonify(orders=[dict(r) for r in rows])
