"""Monthly billing run, executed by an RQ worker on the 'billing' queue.

For every active subscription: plan price plus the month's overage, charged to the
card token on file, with an invoice row written for each attempt.
"""
import logging
import os

import requests

from signup.db import job_connection

log = logging.getLogger("jobs.billing")

GATEWAY_URL = os.environ.get("GATEWAY_API_URL", "https://api.paywell.example/v2")

ACTIVE_SUBSCRIPTIONS = """
    SELECT s.id AS subscription_id, s.customer_id, c.payment_token, p.monthly_pence, p.name AS plan
    FROM subscriptions s
    JOIN customers c ON c.id = s.customer_id
    JOIN plans p ON p.id = s.plan_id
    WHERE s.status = 'active' AND c.payment_token IS NOT NULL
    ORDER BY s.id
"""


def _overage_pence(conn, customer_id: int, period: str) -> int:
    row = conn.execute(
        "SELECT COALESCE(SUM(overage_pence), 0) AS total FROM usage_records WHERE customer_id = %s AND period = %s",
        (customer_id, period),
    ).fetchone()
    return int(row["total"])


def _charge(http: requests.Session, token: str, amount_pence: int, description: str):
    """Returns (charge_id, None) on success or (None, decline_code) when the card is declined."""
    resp = http.post(  # expect: REL003
        f"{GATEWAY_URL}/charges",
        json={"payment_token": token, "amount": amount_pence, "currency": "GBP", "description": description},
        timeout=20,
    )
    if resp.status_code == 402:
        return None, resp.json().get("decline_code", "declined")
    resp.raise_for_status()
    return resp.json()["charge_id"], None


def run_monthly_billing(period: str) -> dict:
    charged = declined = 0
    total_pence = 0
    with job_connection("signup-billing") as conn, requests.Session() as http:
        http.headers["Authorization"] = f"Bearer {os.environ.get('GATEWAY_API_KEY', '')}"
        with conn.cursor(name="billing_subscriptions", withhold=True) as subs:
            subs.execute(ACTIVE_SUBSCRIPTIONS)
            for sub in subs:
                amount = sub["monthly_pence"] + _overage_pence(conn, sub["customer_id"], period)  # expect: DB001
                charge_id, decline = _charge(http, sub["payment_token"], amount, f"Wildmoor {sub['plan']} {period}")
                conn.execute(
                    "INSERT INTO invoices (customer_id, subscription_id, period, amount_pence, status, kind, "
                    "gateway_charge_id, decline_code, issued_at) VALUES (%s, %s, %s, %s, %s, 'monthly', %s, %s, now())",
                    (
                        sub["customer_id"],
                        sub["subscription_id"],
                        period,
                        amount,
                        "paid" if charge_id else "failed",
                        charge_id,
                        decline,
                    ),
                )
                conn.commit()  # ok: DB003
                if charge_id:
                    charged += 1
                    total_pence += amount
                else:
                    declined += 1
                    log.warning("subscription %s declined for %s: %s", sub["subscription_id"], period, decline)

    log.info("billing %s: %d charged (%d pence), %d declined", period, charged, total_pence, declined)
    return {"period": period, "charged": charged, "declined": declined, "total_pence": total_pence}
