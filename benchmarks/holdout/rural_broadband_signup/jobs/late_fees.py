"""Late fees, executed by an RQ worker on the 15th: £5 on monthly invoices still unpaid.

Each fee is claimed as its own invoice row (unique per parent invoice) before the card
is touched, and the charge carries that row's id as its idempotency key, so a retried
or overlapping run can neither add a second fee nor charge one twice.
"""
import logging
import os

import requests

from signup.db import job_connection

log = logging.getLogger("jobs.late_fees")

GATEWAY_URL = os.environ.get("GATEWAY_API_URL", "https://api.paywell.example/v2")
LATE_FEE_PENCE = 500
PAGE_SIZE = 500

OVERDUE_PAGE = """
    SELECT i.id AS invoice_id, i.customer_id, c.payment_token
    FROM invoices i JOIN customers c ON c.id = i.customer_id
    WHERE i.period = %s AND i.kind = 'monthly' AND i.status = 'failed' AND i.id > %s
    ORDER BY i.id
    LIMIT %s
"""


def _claim_fee(conn, invoice: dict, period: str):
    fee = conn.execute(  # ok: DB005
        "INSERT INTO invoices (customer_id, period, amount_pence, status, kind, parent_invoice_id, issued_at) "
        "VALUES (%s, %s, %s, 'pending', 'late_fee', %s, now()) "
        "ON CONFLICT (parent_invoice_id) WHERE kind = 'late_fee' DO NOTHING RETURNING id",
        (invoice["customer_id"], period, LATE_FEE_PENCE, invoice["invoice_id"]),
    ).fetchone()
    if fee is None:
        # Claimed by an earlier run; pick it up again only if its charge never finished.
        fee = conn.execute(
            "SELECT id FROM invoices WHERE parent_invoice_id = %s AND kind = 'late_fee' AND status = 'pending'",
            (invoice["invoice_id"],),
        ).fetchone()
    conn.commit()
    return fee


def apply_late_fees(period: str) -> int:
    after_id, charged = 0, 0
    with job_connection("signup-late-fees") as conn, requests.Session() as http:
        http.headers["Authorization"] = f"Bearer {os.environ.get('GATEWAY_API_KEY', '')}"
        while True:  # ok: REL002
            page = conn.execute(OVERDUE_PAGE, (period, after_id, PAGE_SIZE)).fetchall()
            if not page:
                break
            after_id = page[-1]["invoice_id"]
            for invoice in page:
                fee = _claim_fee(conn, invoice, period)
                if fee is None or not invoice["payment_token"]:
                    continue
                resp = http.post(  # ok: REL003
                    f"{GATEWAY_URL}/charges",
                    json={"payment_token": invoice["payment_token"], "amount": LATE_FEE_PENCE, "currency": "GBP",
                          "description": f"Wildmoor late payment fee {period}"},
                    headers={"Idempotency-Key": f"wildmoor-late-fee-{fee['id']}"},
                    timeout=20,
                )
                if resp.status_code == 402:
                    status, charge_id = "failed", None
                else:
                    resp.raise_for_status()
                    status, charge_id = "paid", resp.json()["charge_id"]
                conn.execute(
                    "UPDATE invoices SET status = %s, gateway_charge_id = %s WHERE id = %s", (status, charge_id, fee["id"])
                )
                conn.commit()
                charged += status == "paid"
    log.info("late fees %s: %d charged", period, charged)
    return charged
