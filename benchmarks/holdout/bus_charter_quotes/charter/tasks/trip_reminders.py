"""Day-before reminders to charter customers, sent through SES.

Host crontab, 16:00 daily:  docker compose run --rm web python -m charter.tasks.trip_reminders
"""
import logging
import os
from datetime import date, timedelta

import boto3
from botocore.config import Config as BotoConfig
from botocore.exceptions import BotoCoreError, ClientError

from charter.db import Database

logger = logging.getLogger("charter.reminders")

SENDER = os.environ.get("SES_SENDER", "quotes@maplecoach.example.com")
BODY = """Hello,

This is a reminder that your charter (quote Q-{quote_id}) is tomorrow, {trip_date:%A %B %d}.
Your coach{plural} will be at {pickup_address} at {pickup_time:%H:%M}.
Driver: {driver_name}. Questions? Call dispatch at 1-800-555-0142.

Maple Coach Lines
"""


def send_reminders(database: Database, ses, trip_date: date) -> tuple[int, int]:
    with database.cursor() as cur:
        cur.execute(
            """SELECT t.id, t.quote_id, t.pickup_address, t.pickup_time, t.trip_date, q.contact_email,
                      q.coaches, d.full_name AS driver_name
                 FROM trips t
                 JOIN quotes q ON q.id = t.quote_id
                 JOIN assignments a ON a.trip_id = t.id
                 JOIN drivers d ON d.id = a.driver_id
                WHERE t.trip_date = %s AND t.reminder_sent_at IS NULL""",
            (trip_date,),
        )
        trips = cur.fetchall()

    sent = failed = 0
    for trip in trips:
        try:
            ses.send_email(
                Source=SENDER,
                Destination={"ToAddresses": [trip["contact_email"]]},
                Message={
                    "Subject": {"Data": f"Your charter tomorrow (Q-{trip['quote_id']})"},
                    "Body": {"Text": {"Data": BODY.format(plural="es" if trip["coaches"] > 1 else "", **trip)}},
                },
            )
        except (BotoCoreError, ClientError) as exc:
            failed += 1
            logger.error("reminder for trip %s failed: %s", trip["id"], exc)  # expect: OBS002
            continue
        with database.cursor() as cur:
            cur.execute("UPDATE trips SET reminder_sent_at = now() WHERE id = %s", (trip["id"],))  # ok: DB003
        sent += 1
    return sent, failed


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    db = Database()
    db.open(os.environ.get("DATABASE_DSN", "dbname=charter"), 1, 2, 60000)
    client = boto3.client(
        "ses",
        region_name=os.environ.get("AWS_REGION", "ca-central-1"),
        config=BotoConfig(connect_timeout=5, read_timeout=15, retries={"max_attempts": 3}),
    )
    try:
        ok, bad = send_reminders(db, client, date.today() + timedelta(days=1))
        print(f"reminders sent: {ok}, failed: {bad}")  # ok: OBS001
    finally:
        db.close()
