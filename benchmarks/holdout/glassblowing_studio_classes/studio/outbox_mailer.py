"""Outbox worker: sends queued studio e-mails through SES.

Run as its own process (``python -m studio.outbox_mailer``); request handlers only
insert rows into ``mail_outbox`` inside their own transaction.
"""
import logging
import os
import signal
import time

import boto3
import psycopg
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError
from psycopg.rows import dict_row

from .config import get_config

log = logging.getLogger("studio.outbox")

BATCH_SIZE = 25
IDLE_SLEEP_SECONDS = 5
MAX_ATTEMPTS = 5

SUBJECTS = {
    "password_reset": "Reset your Hot Shop password",
    "gift_card": "Your Hot Shop gift card",
    "class_reminder": "Your glass class is coming up",
}

_stopping = False


def _stop(signum, _frame):
    global _stopping  # ok: MNT002
    log.info("signal %s received, finishing current batch", signum)
    _stopping = True


def render(template, payload):
    if template == "password_reset":
        return f"Use this code within 30 minutes to reset your password: {payload['token']}"
    if template == "gift_card":
        return f"Gift card {payload['code']} worth £{payload['value_pence'] / 100:.2f}, valid until {payload['expires_on']}."
    return payload.get("text", "")


def send_batch(conn, ses, sender):
    """Claim up to BATCH_SIZE unsent rows, send them, and record the outcome per row."""
    with conn.transaction():
        rows = conn.execute(
            "SELECT id, recipient, template, payload, attempts FROM mail_outbox "
            "WHERE sent_at IS NULL AND attempts < %s ORDER BY id LIMIT %s FOR UPDATE SKIP LOCKED",
            (MAX_ATTEMPTS, BATCH_SIZE),
        ).fetchall()
        for row in rows:
            try:
                result = ses.send_email(
                    Source=sender,
                    Destination={"ToAddresses": [row["recipient"]]},
                    Message={
                        "Subject": {"Data": SUBJECTS.get(row["template"], "Hot Shop Studio")},
                        "Body": {"Text": {"Data": render(row["template"], row["payload"])}},
                    },
                )
            except (BotoCoreError, ClientError):
                log.exception("outbox message %s failed (attempt %s)", row["id"], row["attempts"] + 1)
                conn.execute("UPDATE mail_outbox SET attempts = attempts + 1 WHERE id = %s", (row["id"],))
                continue
            conn.execute(
                "UPDATE mail_outbox SET sent_at = now(), ses_message_id = %s WHERE id = %s",
                (result["MessageId"], row["id"]),
            )
    return len(rows)


def main():
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    signal.signal(signal.SIGTERM, _stop)
    config = get_config()
    ses = boto3.client(
        "ses", region_name=config.AWS_REGION, config=Config(connect_timeout=5, read_timeout=15, retries={"max_attempts": 2})
    )
    with psycopg.connect(config.DATABASE_URL, row_factory=dict_row, connect_timeout=5) as conn:
        while not _stopping:
            sent = send_batch(conn, ses, os.environ.get("MAIL_FROM", config.MAIL_FROM))
            if sent == 0:
                time.sleep(IDLE_SLEEP_SECONDS)


if __name__ == "__main__":
    main()
