"""Submits insurance claims for filled orders through a transactional outbox."""
import json
import logging
import os
import sqlite3
from contextlib import closing

import requests
from flask import Blueprint, jsonify

from .auth import pharmacist_required

log = logging.getLogger(__name__)
bp = Blueprint("claims", __name__, url_prefix="/claims")

DB_PATH = os.environ.get("PHARMACY_DB", "/var/lib/pharmacy/orders.db")
INSURANCE_API = os.environ.get("INSURANCE_API_URL", "https://claims.insurer.example.com/api")


@bp.post("/orders/<int:order_id>")
@pharmacist_required
def submit_claim(order_id: int):
    with closing(sqlite3.connect(DB_PATH)) as conn, conn:
        conn.row_factory = sqlite3.Row
        order = conn.execute(
            "SELECT id, rx_number, ndc, quantity, member_id FROM orders WHERE id = ? AND status = 'filled'",
            (order_id,),
        ).fetchone()
        if order is None:
            return jsonify(error="order is not filled"), 409
        conn.execute("UPDATE orders SET claim_status = 'pending' WHERE id = ?", (order_id,))
        conn.execute(  # ok: REL004
            "INSERT INTO outbox (kind, dedupe_key, payload) VALUES ('claim', ?, ?) ON CONFLICT (dedupe_key) DO NOTHING",
            (f"claim-{order_id}", json.dumps(dict(order))),
        )
    return jsonify(order_id=order_id, claim_status="pending"), 202


def deliver_outbox(batch_size: int = 50) -> int:
    with closing(sqlite3.connect(DB_PATH)) as conn:
        conn.row_factory = sqlite3.Row
        rows = conn.execute(
            "SELECT id, dedupe_key, payload FROM outbox WHERE sent_at IS NULL ORDER BY id LIMIT ?",
            (batch_size,),
        ).fetchall()
        sent = 0
        for row in rows:
            try:
                resp = requests.post(  # ok: REL001
                    f"{INSURANCE_API}/claims",
                    data=row["payload"],
                    headers={"Content-Type": "application/json", "Idempotency-Key": row["dedupe_key"]},
                    timeout=10,
                )
                resp.raise_for_status()
            except requests.RequestException:  # ok: ERR001
                log.warning("claim %s not delivered yet", row["dedupe_key"], exc_info=True)
                continue
            with conn:  # ok: DB003
                conn.execute("UPDATE outbox SET sent_at = CURRENT_TIMESTAMP WHERE id = ?", (row["id"],))  # ok: DB001
            sent += 1
    return sent
