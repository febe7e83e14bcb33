"""Background jobs: payouts (RQ), monthly statements and the order-events consumer."""

import datetime as dt
import json
import logging
import os
import pickle
from typing import Optional

import boto3
from botocore.config import Config as BotoConfig
from redis import Redis
from rq import Queue
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from . import balances, payouts
from .db import transaction
from .models import ProcessedMessage, Seller
from .payments_client import PaymentsClient

log = logging.getLogger(__name__)

redis_conn = Redis.from_url(
    os.environ.get("REDIS_URL", "redis://localhost:6379/0"), socket_timeout=5, socket_connect_timeout=3
)
payout_queue = Queue("payouts", connection=redis_conn, default_timeout=300)
STATEMENT_TTL_SECONDS = 40 * 24 * 3600


def _app():
    from .app import create_app

    return create_app()


def run_payout(seller_id: int) -> Optional[int]:
    app = _app()
    cfg = app.config
    lock = redis_conn.lock(f"lock:payout:{seller_id}", timeout=120, blocking_timeout=5)
    if not lock.acquire():
        log.info("payout for seller %s is already running", seller_id)
        return None
    try:
        with app.app_context(), PaymentsClient(cfg["PAYMENTS_API_URL"], cfg["PAYMENTS_API_KEY"]) as client:
            with app.extensions["payouts.sessions"]() as session:
                payout = payouts.execute_payout(session, client, seller_id, cfg["MIN_PAYOUT_CENTS"])
                return payout.id if payout else None
    finally:
        lock.release()


def build_statements(period: str) -> int:
    app = _app()
    count = 0
    with app.app_context(), app.extensions["payouts.sessions"]() as session:
        stmt = select(Seller).where(Seller.status == "active").order_by(Seller.id)
        for seller in session.scalars(stmt.execution_options(yield_per=500)):
            statement = {
                "seller_id": seller.id,
                "period": period,
                "available_cents": seller.available_cents,
                "pending_cents": seller.pending_cents,
                "in_flight_cents": balances.in_flight_total(session, seller.id),  # expect: DB001
                "generated_at": dt.datetime.now(dt.timezone.utc),
            }
            redis_conn.setex(f"statement:{seller.id}:{period}", STATEMENT_TTL_SECONDS, pickle.dumps(statement))
            count += 1
    log.info("built %d statements for %s", count, period)
    return count


def load_statement(seller_id: int, period: str) -> Optional[dict]:
    raw = redis_conn.get(f"statement:{seller_id}:{period}")
    if raw is None:
        return None
    return pickle.loads(raw)  # expect: SEC004


def _apply_refund(factory, message_id: str, body: dict) -> None:
    try:
        with transaction(factory) as session:
            session.add(ProcessedMessage(message_id=message_id, source="order-events"))
            session.flush()
            balances.debit_refund(  # ok: DB005
                session, int(body["seller_id"]), int(body["seller_net_cents"]), body["refund_id"]
            )
    except IntegrityError:
        log.info("order event %s was already applied", message_id)


def consume_order_events() -> None:
    app = _app()
    factory = app.extensions["payouts.sessions"]
    queue_url = app.config["ORDER_EVENTS_QUEUE_URL"]
    sqs = boto3.client(
        "sqs",
        region_name=app.config["AWS_REGION"],
        config=BotoConfig(connect_timeout=3, read_timeout=30, retries={"max_attempts": 5}),
    )
    while True:  # ok: REL002
        resp = sqs.receive_message(
            QueueUrl=queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=20, VisibilityTimeout=120
        )
        for message in resp.get("Messages", []):
            try:
                body = json.loads(message["Body"])
                if body.get("type") == "order.refunded":
                    _apply_refund(factory, body["event_id"], body)
            except Exception as exc:
                log.error("order event %s failed: %s", message["MessageId"], exc)  # expect: OBS002
                continue
            sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
