"""Relay rows from notification_outbox to the notifier's FIFO queue.

Runs as its own process (``python -m pianovisits.jobs.outbox_relay``), one
replica or many: rows are claimed with SKIP LOCKED.
"""

import json
import logging
import signal
import threading
import time

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from .. import create_app
from ..db import connection

log = logging.getLogger(__name__)

BATCH_SIZE = 100
IDLE_SLEEP_SECONDS = 2.0

_sqs = boto3.client(
    "sqs",
    config=Config(
        connect_timeout=3,
        read_timeout=10,
        retries={"max_attempts": 3, "mode": "standard"},
    ),
)
_stop_requested = threading.Event()


def _stop(signum, _frame):
    log.info("signal %s received, finishing current batch", signum)
    _stop_requested.set()


def relay_batch(queue_url: str) -> int:
    """Send one batch; rows are marked sent in the same transaction that claimed them."""
    sent_ids: list[int] = []
    with connection() as conn:
        rows = conn.execute(
            "SELECT id, customer_id, kind, payload FROM notification_outbox"
            " WHERE sent_at IS NULL ORDER BY id LIMIT %s FOR UPDATE SKIP LOCKED",
            (BATCH_SIZE,),
        ).fetchall()
        for row in rows:
            body = json.dumps({"customer_id": row["customer_id"], "kind": row["kind"], "data": row["payload"]})
            try:
                _sqs.send_message(QueueUrl=queue_url, MessageBody=body, MessageGroupId=f"customer-{row['customer_id']}", MessageDeduplicationId=f"outbox-{row['id']}")  # ok: REL003
            except (BotoCoreError, ClientError):
                log.exception("outbox row %s not sent; will retry next batch", row["id"])
                break
            sent_ids.append(row["id"])
        if sent_ids:
            conn.execute(
                "UPDATE notification_outbox SET sent_at = now() WHERE id = ANY(%s)", (sent_ids,)
            )
    return len(sent_ids)


def main() -> None:
    app = create_app()
    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    queue_url = app.config["NOTIFY_FIFO_QUEUE_URL"]
    with app.app_context():
        while not _stop_requested.is_set():  # ok: REL002
            sent = relay_batch(queue_url)
            if sent:
                log.info("relayed %d outbox rows", sent)
            else:
                time.sleep(IDLE_SLEEP_SECONDS)


if __name__ == "__main__":
    main()
