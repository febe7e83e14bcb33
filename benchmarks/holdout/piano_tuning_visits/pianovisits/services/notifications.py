"""Publish customer notifications (SMS or e-mail) to the notifier's SQS queue."""

import json
import logging
import time
from datetime import date, datetime, timezone

import boto3
from botocore.exceptions import ClientError, EndpointConnectionError
from flask import current_app, g

from ..db import connection

log = logging.getLogger(__name__)

_sqs = boto3.client("sqs")

# Kinds a customer would rather get as a text message than an e-mail.
SMS_KINDS = frozenset({"visit_booked", "visit_reminder", "technician_running_late"})

_sms_sent: dict[tuple[int, date], int] = {}


def _sms_allowed(customer_id: int) -> bool:
    """Cap text messages per customer per day; the rest go out as e-mail."""
    key = (customer_id, date.today())
    sent = _sms_sent.get(key, 0)
    if sent >= current_app.config["SMS_DAILY_LIMIT"]:
        return False
    _sms_sent[key] = sent + 1  # expect: SCL001, CON002, RES002
    return True


def _message(customer_id: int, kind: str, data: dict, channel: str) -> str:
    return json.dumps(
        {
            "customer_id": customer_id,
            "kind": kind,
            "channel": channel,
            "data": data,
            "request_id": g.get("request_id"),
            "created_at": datetime.now(timezone.utc).isoformat(),
        },
        default=str,
    )


def publish_customer_notification(customer_id: int, kind: str, data: dict) -> None:
    """Queue a notification; the notifier service renders and sends it."""
    channel = "sms" if kind in SMS_KINDS and _sms_allowed(customer_id) else "email"
    body = _message(customer_id, kind, data, channel)

    while True:  # expect: REL002
        try:
            _sqs.send_message(QueueUrl=current_app.config["NOTIFY_QUEUE_URL"], MessageBody=body, MessageAttributes={"kind": {"DataType": "String", "StringValue": kind}})  # expect: REL003
            log.info("queued %s %s notification for customer %s", channel, kind, customer_id)
            return
        except (ClientError, EndpointConnectionError):
            log.warning(
                "SQS publish of %s for customer %s failed, retrying",
                kind,
                customer_id,
                exc_info=True,
            )
            time.sleep(1)


def publish_running_late(technician_id: int, visit_ids: list[int], minutes: int) -> int:
    """Tell each customer on a technician's remaining round that they are running late."""
    if not visit_ids:
        return 0
    with connection() as conn:
        rows = conn.execute(
            "SELECT id, customer_id FROM visits WHERE id = ANY(%s) AND technician_id = %s AND status = 'booked'",
            (visit_ids, technician_id),
        ).fetchall()
    for row in rows:
        publish_customer_notification(
            row["customer_id"],
            "technician_running_late",
            {"visit_id": row["id"], "minutes": minutes},
        )
    return len(rows)
