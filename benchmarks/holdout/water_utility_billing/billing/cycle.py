"""Billing cycle run: compute each account's bill for the period, e-mail it
and post it to the account."""
from __future__ import annotations

import logging
import smtplib
from decimal import Decimal

import psycopg
from celery import shared_task

from billing.rates import bill_amount, tariff_for
from notices.mailer import send_bill_email
from utility.db import connection

log = logging.getLogger(__name__)

USAGE_SQL = """
SELECT a.id, a.account_number, a.account_class, a.district, a.email, a.name,
       COALESCE(MAX(r.register_m3) - MIN(r.register_m3), 0) AS usage_m3
FROM accounts a
JOIN meters m ON m.account_id = a.id
LEFT JOIN meter_reads r ON r.meter_id = m.id AND r.read_at >= %(start)s AND r.read_at < %(end)s
WHERE a.district = %(district)s AND a.status = 'active'
GROUP BY a.id
ORDER BY a.id
"""


@shared_task(
    bind=True,
    autoretry_for=(psycopg.OperationalError, smtplib.SMTPException),
    retry_backoff=60,
    max_retries=5,
)
def run_billing_cycle(self, cycle_id: int) -> dict[str, int]:
    with connection() as conn:
        cycle = conn.execute(
            "SELECT id, district, period_start, period_end, due_date FROM billing_cycles WHERE id = %s",
            (cycle_id,),
        ).fetchone()
        if cycle is None:
            raise LookupError(f"billing cycle {cycle_id} not found")
        accounts = conn.execute(  # expect: RES003
            USAGE_SQL,
            {"start": cycle["period_start"], "end": cycle["period_end"], "district": cycle["district"]},
        ).fetchall()

    days = (cycle["period_end"] - cycle["period_start"]).days
    billed = 0
    for acct in accounts:
        tariff = tariff_for(acct["account_class"], acct["district"], cycle["period_start"])
        usage = Decimal(acct["usage_m3"])
        amount = bill_amount(tariff, usage, days)
        send_bill_email(acct["email"], acct["name"], acct["account_number"], amount, cycle["due_date"])  # expect: REL003, REL004
        with connection() as conn:
            inserted = conn.execute(
                "INSERT INTO bills (account_id, cycle_id, usage_m3, amount, late_fee, status, due_date, issued_at) "
                "VALUES (%s, %s, %s, %s, 0, 'open', %s, now()) "
                "ON CONFLICT (account_id, cycle_id) DO NOTHING RETURNING id",
                (acct["id"], cycle_id, usage, amount, cycle["due_date"]),
            ).fetchone()
            if inserted:
                conn.execute(
                    "UPDATE accounts SET balance = balance + %s WHERE id = %s",  # ok: DB004
                    (amount, acct["id"]),
                )
                billed += 1
    log.info("billing cycle %s done", cycle_id, extra={"accounts": len(accounts), "billed": billed})
    return {"accounts": len(accounts), "billed": billed}
