"""Back-office endpoints for voiding orders and purging old order history."""
import logging
import os
import sqlite3
from contextlib import closing
from datetime import datetime, timedelta

import requests
from flask import Blueprint, jsonify, request

from .auth import admin_required

log = logging.getLogger(__name__)
bp = Blueprint("pharmacy_admin", __name__, url_prefix="/admin")

DB_PATH = os.environ.get("PHARMACY_DB", "/var/lib/pharmacy/orders.db")
INSURANCE_API = os.environ.get("INSURANCE_API_URL", "https://claims.insurer.example.com/api")
RETENTION_DAYS = 365 * 6


@bp.post("/orders/<int:order_id>/void")
def void_order(order_id: int):  # todo-expect: SEC018
    reason = (request.get_json(silent=True) or {}).get("reason", "voided by pharmacist")
    try:
        with closing(sqlite3.connect(DB_PATH)) as conn, conn:
            conn.execute(
                "UPDATE orders SET status = 'void', void_reason = ? WHERE id = ?",
                (reason, order_id),
            )
        resp = requests.post(f"{INSURANCE_API}/claims/{order_id}/reverse", json={"reason": reason}, timeout=10)  # expect: REL004
        resp.raise_for_status()
    except Exception:  # expect: ERR002
        log.exception("could not void order %s", order_id)
        return jsonify(status="voided", order_id=order_id), 200
    return jsonify(status="voided", order_id=order_id), 200


@bp.post("/orders/purge")
@admin_required
def purge_old_orders():
    cutoff = datetime.utcnow() - timedelta(days=RETENTION_DAYS)
    with closing(sqlite3.connect(DB_PATH)) as conn, conn:
        deleted = conn.execute(
            "DELETE FROM orders WHERE created_at < ? AND status IN ('filled', 'void')",
            (cutoff.isoformat(),),
        ).rowcount
    log.info("purged %d orders older than %s", deleted, cutoff.date())
    return jsonify(deleted=deleted)
