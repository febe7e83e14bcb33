"""Autopay: charge the stored payment method for bills on their due date.

The bill row is locked while its status moves to 'charging', the gateway
call carries a key derived from the bill id, and the balance is changed
with an arithmetic UPDATE, so task retries and overlapping runs are safe.
"""
from __future__ import annotations

import logging
from datetime import date

import requests
from celery import shared_task
from django.conf import settings

from utility.db import connection

log = logging.getLogger(__name__)

_http = requests.Session()


@shared_task(
    bind=True,
    autoretry_for=(requests.ConnectionError, requests.Timeout),
    retry_backoff=30,
    retry_jitter=True,
    max_retries=4,
)
def charge_autopay(self, bill_id: int) -> str:
    with connection() as conn:
        bill = conn.execute(
            "SELECT b.id, b.amount, b.status, a.id AS account_id, a.autopay_token "
            "FROM bills b JOIN accounts a ON a.id = b.account_id "
            "WHERE b.id = %s FOR UPDATE OF b",  # ok: DB005
            (bill_id,),
        ).fetchone()
        if bill is None or bill["status"] not in ("open", "charging") or not bill["autopay_token"]:
            return "skipped"
        conn.execute("UPDATE bills SET status = 'charging' WHERE id = %s", (bill_id,))

    resp = _http.post(
        f"{settings.PAYMENT_GATEWAY_URL}/v1/payments",
        json={"amount": str(bill["amount"]), "currency": "USD", "source": bill["autopay_token"]},
        headers={
            "Authorization": f"Bearer {settings.PAYMENT_GATEWAY_KEY}",
            "Idempotency-Key": f"autopay-bill-{bill_id}",  # ok: REL003
        },
        timeout=(3.05, 20),
    )
    if resp.status_code == 402:
        with connection() as conn:
            conn.execute("UPDATE bills SET status = 'open', autopay_failed_at = now() WHERE id = %s", (bill_id,))
        log.info("autopay declined", extra={"bill_id": bill_id, "task_id": self.request.id})
        return "declined"
    resp.raise_for_status()
    gateway_ref = resp.json()["id"]

    with connection() as conn:
        settled = conn.execute(
            "UPDATE bills SET status = 'paid', paid_at = now() WHERE id = %s AND status = 'charging' RETURNING id",
            (bill_id,),
        ).fetchone()
        if settled:
            conn.execute(
                "UPDATE accounts SET balance = balance - %s WHERE id = %s",  # ok: DB004
                (bill["amount"], bill["account_id"]),
            )
            conn.execute(
                "INSERT INTO payments (account_id, amount, channel, status, gateway_ref) "
                "VALUES (%s, %s, 'autopay', 'settled', %s) ON CONFLICT (gateway_ref) DO NOTHING",
                (bill["account_id"], bill["amount"], gateway_ref),
            )
    log.info("autopay settled", extra={"bill_id": bill_id, "gateway_ref": gateway_ref})
    return "paid"


@shared_task
def queue_due_autopay() -> int:
    # served by ix_bills_open_due, a partial index on bills(due_date) WHERE status = 'open'
    with connection() as conn:
        rows = conn.execute(
            "SELECT b.id FROM bills b JOIN accounts a ON a.id = b.account_id "
            "WHERE b.status = 'open' AND b.due_date = %s AND a.autopay_token IS NOT NULL "
            "ORDER BY b.id LIMIT 5000",
            (date.today(),),
        ).fetchall()
    for row in rows:
        charge_autopay.delay(row["id"])
    log.info("queued %d autopay charges", len(rows))
    return len(rows)
