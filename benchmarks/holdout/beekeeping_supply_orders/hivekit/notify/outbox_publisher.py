"""Publishes rows from the ``outbox`` table to the order-events SNS FIFO topic.

Runs as its own container (``python -m hivekit.notify.outbox_publisher``).
The web app only inserts outbox rows, inside the same transaction that
changed the order, so an event exists if and only if the change committed.
"""
import json
import logging
import signal
import time

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from .. import config
from ..db import open_pool, transaction

log = logging.getLogger("hivekit.outbox_publisher")

BATCH = 100
IDLE_SLEEP_SECONDS = 2.0
MAX_BACKOFF_SECONDS = 60

sns = boto3.client(
    "sns",
    region_name=config.AWS_REGION,
    config=Config(connect_timeout=5, read_timeout=10, retries={"max_attempts": 3, "mode": "standard"}),
)


class Publisher:
    def __init__(self) -> None:
        self.running = True

    def stop(self, signum, frame) -> None:
        log.info("signal %s received, finishing current batch", signum)
        self.running = False

    def publish_batch(self) -> int:
        """Publish up to BATCH pending events and mark them sent in one transaction."""
        with transaction() as conn:
            rows = conn.execute(
                "SELECT id, topic, dedup_key, payload FROM outbox WHERE published_at IS NULL "
                "ORDER BY id LIMIT %s FOR UPDATE SKIP LOCKED",
                (BATCH,),
            ).fetchall()
            for row in rows:
                payload = row["payload"] if isinstance(row["payload"], str) else json.dumps(row["payload"])
                group = str(json.loads(payload).get("order_id", "misc"))
                sns.publish(
                    TopicArn=config.ORDER_EVENTS_TOPIC_ARN,
                    Message=payload,
                    MessageGroupId=group,
                    MessageDeduplicationId=row["dedup_key"],  # ok: REL003
                    MessageAttributes={"topic": {"DataType": "String", "StringValue": row["topic"]}},
                )
            if rows:
                conn.execute(
                    "UPDATE outbox SET published_at = now() WHERE id = ANY(%s)",
                    ([r["id"] for r in rows],),
                )
        return len(rows)

    def run(self) -> None:
        failures = 0
        while self.running:
            try:
                sent = self.publish_batch()
            except (BotoCoreError, ClientError):
                failures += 1
                delay = min(MAX_BACKOFF_SECONDS, 2 ** failures)
                log.exception("outbox publish failed (%d in a row); sleeping %ss", failures, delay)
                time.sleep(delay)
                continue
            failures = 0
            if sent:
                log.info("published %d order events", sent)
            if sent < BATCH:
                time.sleep(IDLE_SLEEP_SECONDS)


def main() -> None:
    logging.basicConfig(level=config.LOG_LEVEL, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    publisher = Publisher()
    signal.signal(signal.SIGTERM, publisher.stop)
    signal.signal(signal.SIGINT, publisher.stop)
    open_pool()
    publisher.run()


if __name__ == "__main__":
    main()
