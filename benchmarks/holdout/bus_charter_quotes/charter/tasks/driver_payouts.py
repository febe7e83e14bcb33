"""Weekly driver payouts for completed charters.

Host crontab, Mondays 06:00:  docker compose run --rm web python -m charter.tasks.driver_payouts
"""
import logging
import os
import sys
from collections import defaultdict
from datetime import date, timedelta

import requests
from tenacity import retry, retry_if_exception_type, stop_after_attempt, wait_exponential

from charter.db import Database

logger = logging.getLogger("charter.payouts")

PAYOUT_API_URL = os.environ.get("PAYOUT_API_URL", "https://api.payouts.example.com/v1")
HOURLY_PAY_CENTS = 3150


@retry(
    retry=retry_if_exception_type((requests.ConnectionError, requests.Timeout)),
    stop=stop_after_attempt(4),
    wait=wait_exponential(multiplier=2, max=30),
    reraise=True,
)
def send_payout(driver_ref: str, amount_cents: int, memo: str) -> str:
    resp = requests.post(  # expect: REL003
        f"{PAYOUT_API_URL}/transfers",
        json={"destination": driver_ref, "amount": amount_cents, "currency": "cad", "memo": memo},
        headers={"Authorization": f"Bearer {os.environ['PAYOUT_API_KEY']}"},
        timeout=(3.05, 20),
    )
    resp.raise_for_status()
    return resp.json()["transfer_id"]


def run(database: Database, week_ending: date) -> int:
    week_start = week_ending - timedelta(days=6)
    with database.cursor() as cur:
        cur.execute(
            """SELECT t.id AS trip_id, t.driven_hours, d.id AS driver_id, d.payout_ref
                 FROM trips t
                 JOIN assignments a ON a.trip_id = t.id
                 JOIN drivers d ON d.id = a.driver_id
                WHERE t.completed_on BETWEEN %s AND %s AND t.payout_status = 'unpaid'""",
            (week_start, week_ending),
        )
        rows = cur.fetchall()

    by_driver: dict[int, list[dict]] = defaultdict(list)
    for row in rows:
        by_driver[row["driver_id"]].append(row)

    paid_trip_ids: list[int] = []
    for driver_id, trips in by_driver.items():
        hours = sum(float(t["driven_hours"]) for t in trips)
        amount = round(hours * HOURLY_PAY_CENTS)
        try:
            transfer = send_payout(trips[0]["payout_ref"], amount, f"Charters {week_start}..{week_ending}")
        except requests.RequestException:
            logger.exception("payout failed for driver %s, week ending %s", driver_id, week_ending)
            continue
        logger.info("paid driver %s %s cents (transfer %s)", driver_id, amount, transfer)
        paid_trip_ids.extend(t["trip_id"] for t in trips)

    with database.connection() as conn, conn.cursor() as cur:
        for trip_id in paid_trip_ids:
            cur.execute("UPDATE trips SET payout_status = 'paid' WHERE id = %s", (trip_id,))
            conn.commit()  # expect: DB003
    return len(paid_trip_ids)


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    database = Database()
    database.open(os.environ["DATABASE_DSN"], 1, 2, 60000)
    try:
        ending = date.fromisoformat(sys.argv[1]) if len(sys.argv) > 1 else date.today() - timedelta(days=1)
        count = run(database, ending)
        logger.info("marked %d trips as paid", count)
    finally:
        database.close()
