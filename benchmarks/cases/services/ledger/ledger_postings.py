"""Double-entry postings to customer ledger accounts (psycopg2 connection pool, hand-written SQL)."""
import logging
import os
import uuid
from decimal import Decimal

from flask import Blueprint, abort, jsonify, request
from psycopg2.pool import ThreadedConnectionPool

from .auth import require_service_token

logger = logging.getLogger(__name__)

postings_bp = Blueprint("postings", __name__, url_prefix="/postings")

pool = ThreadedConnectionPool(
    minconn=1,
    maxconn=int(os.environ.get("LEDGER_POOL_SIZE", "10")),
    dsn=os.environ.get("LEDGER_DSN", "dbname=ledger user=ledger host=localhost"),
    connect_timeout=5,
)

DEBIT_SQL = """
    UPDATE accounts SET balance = balance - %(amount)s
    WHERE id = %(account)s AND balance >= %(amount)s
    RETURNING balance
"""
CREDIT_SQL = "UPDATE accounts SET balance = balance + %(amount)s WHERE id = %(account)s RETURNING balance"


@postings_bp.route("", methods=["POST"])
@require_service_token
def post_entry():
    payload = request.get_json(force=True)
    debit = int(payload["debit_account"])
    credit = int(payload["credit_account"])
    amount = Decimal(str(payload["amount"]))
    if amount <= 0 or debit == credit:
        abort(400, description="invalid posting")

    posting_id = str(uuid.uuid4())
    conn = pool.getconn()  # ok: RES001
    try:
        with conn.cursor() as cur:
            cur.execute(DEBIT_SQL, {"amount": amount, "account": debit})  # ok: DB004, DB005
            if cur.fetchone() is None:
                conn.rollback()
                abort(409, description="insufficient funds or unknown account")
            cur.execute(CREDIT_SQL, {"amount": amount, "account": credit})  # ok: DB004
            if cur.fetchone() is None:
                conn.rollback()
                abort(404, description="unknown credit account")
            cur.execute(
                "INSERT INTO postings (id, debit_account, credit_account, amount) VALUES (%s, %s, %s, %s)",
                (posting_id, debit, credit, amount),
            )
        conn.commit()
    except Exception:
        conn.rollback()
        raise
    finally:
        pool.putconn(conn)

    logger.info("posting %s: %s -> %s (%s)", posting_id, debit, credit, amount)
    return jsonify({"posting_id": posting_id, "amount": str(amount)}), 201
