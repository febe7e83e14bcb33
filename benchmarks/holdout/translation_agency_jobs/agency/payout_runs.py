"""Translator payouts as a CronJob: `python -m agency.payout_runs`.

Step 1 freezes what is owed into payout rows (one transaction, jobs locked).
Step 2 sends each pending payout with its own idempotency key and records the
result; a crash between the two leaves the payout 'sending', and the next run
re-sends it with the same key, which the provider answers with the original
transfer instead of paying twice.
"""
from __future__ import annotations

import logging
import os
import uuid

import requests
from tenacity import retry, retry_if_exception_type, stop_after_attempt, wait_exponential

from . import db

log = logging.getLogger("agency.payouts")
PAYOUT_API = os.environ.get("PAYOUT_API_URL", "https://api.payouts.example.com/v1")

http = requests.Session()
http.headers["Authorization"] = f"Bearer {os.environ.get('PAYOUT_API_TOKEN', '')}"


def freeze_amounts_owed() -> int:
    with db.transaction() as conn:
        jobs = conn.execute(
            "SELECT j.id, j.translator_id, j.fee_cents FROM jobs j "
            "WHERE j.status = 'delivered' AND j.payout_id IS NULL FOR UPDATE SKIP LOCKED"
        ).fetchall()
        per_translator: dict[int, list[dict]] = {}
        for job in jobs:
            per_translator.setdefault(job["translator_id"], []).append(job)
        for translator_id, items in per_translator.items():
            payout = conn.execute(
                "INSERT INTO payouts (translator_id, amount_cents, idempotency_key, status) "
                "VALUES (%s, %s, %s, 'pending') RETURNING id",
                (translator_id, sum(j["fee_cents"] for j in items), str(uuid.uuid4())),
            ).fetchone()
            conn.execute(
                "UPDATE jobs SET payout_id = %s WHERE id = ANY(%s)",
                (payout["id"], [j["id"] for j in items]),
            )
    return len(per_translator)


@retry(  # ok: REL002
    retry=retry_if_exception_type((requests.ConnectionError, requests.Timeout)),
    stop=stop_after_attempt(5),
    wait=wait_exponential(multiplier=2, max=60),
    reraise=True,
)
def _transfer(payee_ref: str, amount_cents: int, key: str) -> str:
    resp = http.post(
        f"{PAYOUT_API}/transfers",
        json={"payee": payee_ref, "amount": amount_cents, "currency": "EUR", "memo": "Translation fees"},
        headers={"Idempotency-Key": key},  # ok: REL003
        timeout=(5, 30),
    )
    resp.raise_for_status()
    return resp.json()["transfer_id"]


def send_pending() -> tuple[int, int]:
    sent = failed = 0
    while True:
        with db.transaction() as conn:
            payout = conn.execute(
                "SELECT p.id, p.amount_cents, p.idempotency_key, t.payee_ref FROM payouts p "
                "JOIN translators t ON t.id = p.translator_id "
                "WHERE p.status IN ('pending', 'sending') AND p.attempts < 5 "
                "ORDER BY p.id LIMIT 1 FOR UPDATE OF p SKIP LOCKED"
            ).fetchone()
            if payout is None:
                return sent, failed
            conn.execute("UPDATE payouts SET status = 'sending', attempts = attempts + 1 WHERE id = %s", (payout["id"],))
        try:
            transfer_id = _transfer(payout["payee_ref"], payout["amount_cents"], payout["idempotency_key"])  # ok: REL004
        except requests.RequestException:
            log.exception("payout=%s transfer failed (attempt recorded)", payout["id"])
            failed += 1
            continue
        with db.transaction() as conn:
            conn.execute(
                "UPDATE payouts SET status = 'sent', transfer_id = %s, sent_at = now() WHERE id = %s",
                (transfer_id, payout["id"]),
            )
        sent += 1


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    db.open_pool()
    frozen = freeze_amounts_owed()
    ok, bad = send_pending()
    log.info("payout run: %s new payouts, %s sent, %s failed", frozen, ok, bad)
    db.close_pool()
