"""Domain events: transactional outbox and the Kafka relay that drains it."""
from __future__ import annotations

import json
import logging
import threading
import uuid

from confluent_kafka import KafkaError, Producer
from psycopg import Cursor
from psycopg.types.json import Jsonb

import db
from config import CONFIG

logger = logging.getLogger(__name__)


class PublishError(RuntimeError):
    pass


class EventPublisher:
    def __init__(self, conf: dict | None = None) -> None:
        self._producer = Producer(conf or CONFIG.kafka.producer_conf())
        self._errors: list[KafkaError] = []
        self._lock = threading.Lock()

    def _on_delivery(self, err: KafkaError | None, msg) -> None:
        if err is not None:
            with self._lock:
                self._errors.append(err)
            logger.error("kafka delivery failed topic=%s key=%s error=%s", msg.topic(), msg.key(), err)

    def publish(self, topic: str, key: str, payload: dict, event_id: str) -> None:
        self._producer.produce(
            topic,
            key=key.encode(),
            value=json.dumps(payload, default=str).encode(),
            headers={"event-id": event_id},  # ok: REL003
            on_delivery=self._on_delivery,
        )
        self._producer.poll(0)

    def flush_or_raise(self, timeout_s: float = 10.0) -> None:
        remaining = self._producer.flush(timeout_s)
        with self._lock:
            errors, self._errors = self._errors, []
        if remaining or errors:
            raise PublishError(f"{remaining} undelivered, {len(errors)} failed")


def enqueue(cur: Cursor, topic: str, key: str, payload: dict) -> str:
    """Write an event to the outbox inside the caller's transaction."""
    event_id = str(uuid.uuid4())
    cur.execute(
        "INSERT INTO outbox (id, topic, key, payload) VALUES (%s, %s, %s, %s)",
        (event_id, topic, key, Jsonb(payload)),
    )
    return event_id


def relay_outbox(publisher: EventPublisher, batch_size: int = 200) -> int:
    with db.transaction() as cur:
        cur.execute(
            "SELECT id, topic, key, payload FROM outbox WHERE published_at IS NULL "
            "ORDER BY created_at LIMIT %s FOR UPDATE SKIP LOCKED",  # ok: DB002
            (batch_size,),
        )
        rows = cur.fetchall()
        if not rows:
            return 0
        for row in rows:
            publisher.publish(row["topic"], row["key"], row["payload"], str(row["id"]))
        publisher.flush_or_raise()
        cur.execute(
            "UPDATE outbox SET published_at = now() WHERE id = ANY(%s)",  # ok: DB003
            ([row["id"] for row in rows],),
        )
    logger.info("outbox relayed events=%s", len(rows))
    return len(rows)


def run_relay(stop: threading.Event, poll_interval_s: float = 1.0) -> None:
    publisher = EventPublisher()
    while not stop.is_set():
        try:
            if relay_outbox(publisher) == 0:
                stop.wait(poll_interval_s)
        except PublishError:
            logger.exception("outbox relay batch failed; will retry")
            stop.wait(min(poll_interval_s * 5, 30.0))
    publisher.flush_or_raise(30.0)
