"""Daily overdue-calibration alerts, one e-mail per lab manager.

Runs as a scheduled job outside the web workers:

    python -m equipment_calibration.overdue_alerts
"""
from __future__ import annotations

import logging
import random
import time
from collections import defaultdict
from datetime import date

import boto3
import psycopg2
from botocore.config import Config as BotoConfig
from botocore.exceptions import ClientError
from psycopg2.extras import RealDictCursor, execute_values

from .settings import Config

logger = logging.getLogger("equipment_calibration.overdue_alerts")

ALERT_LOCK_ID = 724001
MAX_SEND_ATTEMPTS = 4

OVERDUE_SQL = """
    SELECT i.id, i.serial_no, i.model, i.next_due_date, l.id AS lab_id, l.manager_email
    FROM instruments i
    JOIN labs l ON l.id = i.lab_id
    LEFT JOIN overdue_alerts a ON a.instrument_id = i.id AND a.alerted_on = CURRENT_DATE
    WHERE i.next_due_date < CURRENT_DATE - %s AND i.status = 'in_service' AND a.instrument_id IS NULL
    ORDER BY l.id, i.next_due_date
"""


def _send_with_backoff(ses, **message) -> None:
    for attempt in range(1, MAX_SEND_ATTEMPTS + 1):
        try:
            ses.send_email(**message)
            return
        except ClientError as exc:
            if exc.response["Error"]["Code"] != "Throttling" or attempt == MAX_SEND_ATTEMPTS:
                raise
            time.sleep(min(30, 2**attempt) + random.random())


def run(dsn: str, sender: str, region: str, grace_days: int) -> int:
    ses = boto3.client("ses", region_name=region, config=BotoConfig(connect_timeout=5, read_timeout=10))
    conn = psycopg2.connect(dsn, connect_timeout=5)
    try:
        with conn, conn.cursor(cursor_factory=RealDictCursor) as cur:
            cur.execute("SELECT pg_try_advisory_lock(%s) AS locked", (ALERT_LOCK_ID,))  # ok: SCL003
            if not cur.fetchone()["locked"]:
                logger.info("another overdue-alert run holds the lock; exiting")
                return 0
            cur.execute(OVERDUE_SQL, (grace_days,))
            overdue = cur.fetchall()

        by_manager: dict[str, list[dict]] = defaultdict(list)
        for item in overdue:
            by_manager[item["manager_email"]].append(item)

        for manager_email, items in by_manager.items():
            lines = [f"- {i['serial_no']} ({i['model']}), due {i['next_due_date']:%d %b %Y}" for i in items]
            _send_with_backoff(
                ses,
                Source=sender,
                Destination={"ToAddresses": [manager_email]},
                Message={
                    "Subject": {"Data": f"{len(items)} instrument(s) overdue for calibration"},
                    "Body": {"Text": {"Data": "The following instruments are overdue:\n" + "\n".join(lines)}},
                },
            )
            with conn, conn.cursor() as cur:
                execute_values(
                    cur,
                    "INSERT INTO overdue_alerts (instrument_id, alerted_on) VALUES %s ON CONFLICT DO NOTHING",
                    [(i["id"], date.today()) for i in items],
                )
            logger.info("overdue alert sent", extra={"lab_id": items[0]["lab_id"], "instruments": len(items)})
        return len(overdue)
    finally:
        conn.close()


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    sent = run(Config.DATABASE_DSN, Config.ALERT_SENDER, Config.AWS_REGION, Config.OVERDUE_GRACE_DAYS)
    logger.info("overdue alert run finished", extra={"instruments": sent})
