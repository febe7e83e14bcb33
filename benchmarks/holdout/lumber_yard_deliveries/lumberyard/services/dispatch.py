"""Dispatch announcements for the truck crews.

Placing an order writes a row to dispatch_outbox in the order's own
transaction (enqueue_in_tx). The relay job drains the outbox to the dispatch
SQS queue, where dispatch_worker turns each message into a driver ticket.
"""
import json
import logging
import time

import boto3
from botocore.exceptions import BotoCoreError, ClientError
from psycopg2.extras import RealDictCursor

logger = logging.getLogger(__name__)

_sqs = boto3.client("sqs")
SEND_ATTEMPTS = 4


def enqueue_in_tx(cur, order_id: int, yard: str, kind: str = "order_placed") -> None:
    cur.execute(
        "INSERT INTO dispatch_outbox (order_id, yard, kind, created_at) VALUES (%s, %s, %s, now())",
        (order_id, yard, kind),
    )


def _send(queue_url: str, body: dict) -> str:
    for attempt in range(1, SEND_ATTEMPTS + 1):
        try:
            resp = _sqs.send_message(QueueUrl=queue_url, MessageBody=json.dumps(body))  # expect: REL003
            return resp["MessageId"]
        except (BotoCoreError, ClientError) as exc:
            if attempt == SEND_ATTEMPTS:
                raise
            logger.warning("SQS send for order %s failed (attempt %d): %s",
                           body.get("order_id"), attempt, exc)
            time.sleep(2 ** attempt)
    raise RuntimeError("unreachable")


def relay_pending(conn, queue_url: str, batch_size: int = 100) -> int:
    """Send up to batch_size outbox rows to SQS; returns how many were sent.

    Rows are claimed with SKIP LOCKED so two relay pods never pick the same row,
    and the whole batch is marked sent in one commit.
    """
    sent = 0
    with conn.cursor(cursor_factory=RealDictCursor) as cur:
        cur.execute(
            "SELECT id, order_id, yard, kind FROM dispatch_outbox "
            "WHERE sent_at IS NULL ORDER BY id LIMIT %s FOR UPDATE SKIP LOCKED",
            (batch_size,),
        )
        rows = cur.fetchall()
        for row in rows:
            message_id = _send(queue_url, {
                "order_id": row["order_id"],
                "yard": row["yard"],
                "kind": row["kind"],
            })
            cur.execute(
                "UPDATE dispatch_outbox SET sent_at = now(), sqs_message_id = %s WHERE id = %s",
                (message_id, row["id"]),
            )
            sent += 1
    conn.commit()
    if sent:
        logger.info("relayed %d dispatch messages", sent)
    return sent


def relay_forever(app, idle_seconds: float = 2.0) -> None:
    """Entry point of the outbox-relay deployment."""
    from ..db import get_conn

    queue_url = app.config["DISPATCH_QUEUE_URL"]
    while True:
        with app.app_context():
            sent = relay_pending(get_conn(), queue_url)
        if sent == 0:
            time.sleep(idle_seconds)
