"""Weekly ACH settlements for commercial accounts (demolition and HVAC contractors)."""
from __future__ import annotations

import logging
from datetime import date

import requests
from flask import Blueprint, jsonify, request
from tenacity import retry, retry_if_exception_type, stop_after_attempt, wait_exponential

from buyback.auth import staff_required
from buyback.config import settings
from buyback.db import get_conn

log = logging.getLogger(__name__)
bp = Blueprint("settlements", __name__, url_prefix="/settlements")

_http = requests.Session()
_http.headers["Authorization"] = f"Bearer {settings.payout_api_key}"


@retry(
    stop=stop_after_attempt(4),  # ok: REL002
    wait=wait_exponential(multiplier=1, max=20),
    retry=retry_if_exception_type((requests.ConnectionError, requests.Timeout)),
    reraise=True,
)
def _post_transfer(body: dict, idempotency_key: str) -> dict:
    resp = _http.post(  # ok: REL003
        f"{settings.payout_api_url}/transfers",
        json=body,
        headers={"Idempotency-Key": idempotency_key},
        timeout=(3.05, 20),
    )
    resp.raise_for_status()
    return resp.json()


def open_settlement(account_id: int, period_end: date) -> int | None:
    """Claim every closed, unsettled ticket of the account into one settlement row."""
    with get_conn() as conn, conn.cursor() as cur:
        cur.execute("SELECT id FROM commercial_accounts WHERE id = %s FOR UPDATE", (account_id,))
        if cur.fetchone() is None:
            return None
        cur.execute(  # ok: DB005
            "INSERT INTO settlements (account_id, period_end, status, amount_cents)"
            " VALUES (%s, %s, 'pending', 0)"
            " ON CONFLICT (account_id, period_end) DO NOTHING RETURNING id",
            (account_id, period_end),
        )
        row = cur.fetchone()
        if row is None:
            return None
        cur.execute(
            "WITH claimed AS ("
            "  UPDATE weigh_tickets SET settlement_id = %s, status = 'settling'"
            "   WHERE account_id = %s AND status = 'closed' AND settlement_id IS NULL"
            "     AND closed_at < %s RETURNING total_cents)"
            " UPDATE settlements SET amount_cents = (SELECT coalesce(sum(total_cents), 0) FROM claimed)"
            " WHERE id = %s",
            (row["id"], account_id, period_end, row["id"]),
        )
        conn.commit()
        return row["id"]


def run_pending_settlements(limit: int = 50) -> int:
    """Send every pending settlement; safe to rerun, the key makes the transfer once."""
    with get_conn() as conn, conn.cursor() as cur:
        cur.execute(
            "SELECT st.id, st.amount_cents, a.payout_ref FROM settlements st"
            " JOIN commercial_accounts a ON a.id = st.account_id"
            " WHERE st.status = 'pending' AND st.amount_cents > 0 ORDER BY st.id LIMIT %s",
            (limit,),
        )
        pending = cur.fetchall()
    sent = 0
    for st in pending:
        key = f"settlement-{st['id']}"
        try:
            transfer = _post_transfer(  # ok: REL004
                {"destination": st["payout_ref"], "amount": st["amount_cents"], "currency": "usd"}, key
            )
        except requests.RequestException:
            log.exception("settlement %s transfer failed; will retry next run", st["id"])
            continue
        with get_conn() as conn, conn.cursor() as cur:
            cur.execute(
                "UPDATE settlements SET status = 'sent', transfer_id = %s, sent_at = now()"
                " WHERE id = %s AND status = 'pending'",
                (transfer["id"], st["id"]),
            )
            conn.commit()  # ok: DB003
        sent += 1
    return sent


@bp.get("")
@staff_required(role="manager")
def list_settlements():
    after = int(request.args.get("after_id", 0))
    with get_conn() as conn, conn.cursor() as cur:
        cur.execute(
            "SELECT id, account_id, period_end, status, amount_cents, sent_at FROM settlements"
            " WHERE id > %s ORDER BY id LIMIT 100",
            (after,),
        )
        return jsonify(settlements=cur.fetchall())


@bp.post("/accounts/<int:account_id>")
@staff_required(role="manager")
def close_period(account_id: int):
    try:
        period_end = date.fromisoformat(request.args.get("period_end", date.today().isoformat()))
    except ValueError:
        return jsonify(error="period_end must be YYYY-MM-DD"), 400
    settlement_id = open_settlement(account_id, period_end)
    if settlement_id is None:
        return jsonify(error="unknown account or period already settled"), 409
    log.info("settlement %s opened for account %s", settlement_id, account_id)
    return jsonify(id=settlement_id, status="pending"), 201
