"""Flight plans reach drones through an SQS FIFO queue consumed by the ground control gateway."""
import json
import logging
from datetime import datetime, timezone
from functools import lru_cache

import boto3
from botocore.config import Config as BotoConfig
from flask import current_app
from sqlalchemy import select

from drones.models import OutboxMessage, db

logger = logging.getLogger(__name__)

_BOTO_CONFIG = BotoConfig(connect_timeout=3, read_timeout=10, retries={"max_attempts": 4, "mode": "standard"})


@lru_cache(maxsize=4)
def _sqs(region: str):
    return boto3.client("sqs", region_name=region, config=_BOTO_CONFIG)


def flight_plan_message(delivery, drone) -> dict:
    return {
        "type": "flight_plan",
        "delivery_id": delivery.id,
        "drone_serial": drone.serial,
        "pickup": [delivery.pickup_lat, delivery.pickup_lon],
        "dropoff": [delivery.dropoff_lat, delivery.dropoff_lon],
        "payload_kg": delivery.payload_kg,
        "group": f"drone-{drone.id}",
    }


def send_message(body: dict, dedup_id: str, group_id: str) -> str:
    resp = _sqs(current_app.config["AWS_REGION"]).send_message(
        QueueUrl=current_app.config["DISPATCH_QUEUE_URL"],
        MessageBody=json.dumps(body),
        MessageGroupId=group_id,
        MessageDeduplicationId=dedup_id,  # ok: REL003
    )
    return resp["MessageId"]


def publish_flight_plan(delivery, drone) -> str:
    message = flight_plan_message(delivery, drone)
    return send_message(message, dedup_id=f"flight-{delivery.id}-{drone.id}", group_id=message["group"])


def relay_outbox(batch_size: int = 100) -> int:
    """Send pending outbox rows; run by `flask relay-outbox` in the dispatcher worker."""
    rows = db.session.execute(
        select(OutboxMessage)
        .where(OutboxMessage.sent_at.is_(None))
        .order_by(OutboxMessage.id)
        .limit(batch_size)
        .with_for_update(skip_locked=True)
    ).scalars().all()
    for row in rows:
        send_message(row.payload, dedup_id=f"outbox-{row.id}", group_id=row.payload.get("group", "default"))
        row.sent_at = datetime.now(timezone.utc)
    db.session.commit()
    return len(rows)


def consume_status_updates(handler, wait_seconds: int = 20) -> None:
    """Long-poll loop of the status worker; a message is deleted only after it was handled."""
    queue_url = current_app.config["STATUS_QUEUE_URL"]
    sqs = _sqs(current_app.config["AWS_REGION"])
    while True:
        resp = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=wait_seconds)
        for msg in resp.get("Messages", []):
            try:
                handler(json.loads(msg["Body"]))
            except Exception:
                logger.exception("status update %s failed; leaving it for redelivery", msg["MessageId"])
                continue
            sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=msg["ReceiptHandle"])
