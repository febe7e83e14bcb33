"""Long-running SQS consumer: turns dispatch messages into driver tickets.

SQS delivers at least once, so every message id is recorded in
processed_messages in the same transaction as the ticket it produced; a
redelivered message finds its id there and is only deleted.
"""
import json
import logging
import signal
import threading

import boto3

from ..db import transaction

logger = logging.getLogger(__name__)

_shutdown = threading.Event()


def _request_shutdown(signum, _frame):
    logger.info("signal %s received, finishing current batch", signum)
    _shutdown.set()


def handle(cur, message_id: str, body: dict) -> None:
    cur.execute(
        "INSERT INTO processed_messages (message_id, processed_at) VALUES (%s, now()) "
        "ON CONFLICT (message_id) DO NOTHING RETURNING message_id",
        (message_id,),
    )
    if cur.fetchone() is None:
        logger.info("message %s already handled, skipping", message_id)
        return
    cur.execute(
        "INSERT INTO dispatch_tickets (order_id, yard, kind, status, created_at) "
        "VALUES (%s, %s, %s, 'open', now())",
        (body["order_id"], body["yard"], body["kind"]),
    )


def run(app) -> None:
    sqs = boto3.client("sqs")
    queue_url = app.config["DISPATCH_QUEUE_URL"]
    signal.signal(signal.SIGTERM, _request_shutdown)
    signal.signal(signal.SIGINT, _request_shutdown)

    while True:  # ok: REL002
        if _shutdown.is_set():
            break
        resp = sqs.receive_message(
            QueueUrl=queue_url,
            MaxNumberOfMessages=10,
            WaitTimeSeconds=20,
            VisibilityTimeout=120,
        )
        for message in resp.get("Messages", []):
            message_id = message["MessageId"]
            try:
                body = json.loads(message["Body"])
                with app.app_context(), transaction() as cur:
                    handle(cur, message_id, body)  # ok: DB003
                sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
            except Exception:
                logger.exception("dispatch message %s failed; SQS will redeliver it", message_id)
    logger.info("dispatch worker stopped")


if __name__ == "__main__":
    from lumberyard import create_app

    run(create_app())
