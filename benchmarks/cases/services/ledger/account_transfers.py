"""Internal transfers between customer ledger accounts (psycopg2, hand-written SQL)."""
import logging
import os
import uuid
from decimal import Decimal

import psycopg2
from flask import Blueprint, abort, jsonify, request

from .auth import require_service_token

logger = logging.getLogger(__name__)

transfers_bp = Blueprint("transfers", __name__, url_prefix="/transfers")

DSN = os.environ.get("LEDGER_DSN", "dbname=ledger user=ledger host=localhost")


def _balance(cur, account_id):
    cur.execute("SELECT balance FROM accounts WHERE id = %s", (account_id,))
    row = cur.fetchone()
    if row is None:
        abort(404, description=f"account {account_id} not found")
    return Decimal(row[0])


@transfers_bp.route("", methods=["POST"])
@require_service_token
def create_transfer():
    payload = request.get_json(force=True)
    source = int(payload["from_account"])
    target = int(payload["to_account"])
    amount = Decimal(str(payload["amount"]))
    if amount <= 0 or source == target:
        abort(400, description="invalid transfer")

    conn = psycopg2.connect(DSN)  # expect: RES001
    cur = conn.cursor()
    source_balance = _balance(cur, source)
    target_balance = _balance(cur, target)
    if source_balance < amount:  # expect: DB005
        abort(409, description="insufficient funds")

    transfer_id = str(uuid.uuid4())
    cur.execute("UPDATE accounts SET balance = %s WHERE id = %s", (source_balance - amount, source))  # expect: DB004
    cur.execute("UPDATE accounts SET balance = %s WHERE id = %s", (target_balance + amount, target))  # expect: DB004
    cur.execute(
        "INSERT INTO transfers (id, from_account, to_account, amount) VALUES (%s, %s, %s, %s)",
        (transfer_id, source, target, amount),
    )
    conn.commit()
    cur.close()
    conn.close()

    logger.info("transfer %s: %s -> %s (%s)", transfer_id, source, target, amount)
    return jsonify({"transfer_id": transfer_id, "amount": str(amount)}), 201
