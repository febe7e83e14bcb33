"""Monthly translator payouts, triggered by finance from the back office."""
from __future__ import annotations

import logging
import os

import requests
from flask import Blueprint, g, jsonify
from tenacity import retry, retry_if_exception_type, wait_exponential

from . import db
from .web import login_required

bp = Blueprint("payouts", __name__, url_prefix="/api/staff/payouts")
log = logging.getLogger(__name__)

PAYOUT_API = os.environ.get("PAYOUT_API_URL", "https://api.payouts.example.com/v1")
PAYOUT_TOKEN = os.environ.get("PAYOUT_API_TOKEN", "")


@retry(  # expect: REL002
    retry=retry_if_exception_type((requests.ConnectionError, requests.Timeout, requests.HTTPError)),
    wait=wait_exponential(multiplier=2, max=120),
)
def send_transfer(payee_ref: str, amount_cents: int, memo: str) -> str:
    resp = requests.post(  # expect: REL003
        f"{PAYOUT_API}/transfers",
        json={"payee": payee_ref, "amount": amount_cents, "currency": "EUR", "memo": memo},
        headers={"Authorization": f"Bearer {PAYOUT_TOKEN}"},
        timeout=20,
    )
    resp.raise_for_status()
    return resp.json()["transfer_id"]


@bp.post("/run")
@login_required("finance")
def run_payouts():
    with db.transaction() as conn:
        owed = conn.execute(
            "SELECT t.id AS translator_id, t.payee_ref, sum(j.fee_cents) AS total, array_agg(j.id) AS job_ids "
            "FROM jobs j JOIN translators t ON t.id = j.translator_id "
            "WHERE j.status = 'delivered' AND j.paid_out_at IS NULL "
            "GROUP BY t.id, t.payee_ref"
        ).fetchall()

    paid, total_cents = 0, 0
    for row in owed:
        memo = f"Translation fees ({len(row['job_ids'])} jobs)"
        transfer_id = send_transfer(row["payee_ref"], row["total"], memo)  # expect: REL004, DB005
        with db.transaction() as conn:
            conn.execute(
                "UPDATE jobs SET paid_out_at = now(), transfer_id = %s WHERE id = ANY(%s)",
                (transfer_id, row["job_ids"]),
            )
        paid += 1
        total_cents += row["total"]
    log.info("payout run by user=%s: %s translators, %s cents", g.user_id, paid, total_cents)
    return jsonify({"translators_paid": paid, "total_cents": total_cents})
