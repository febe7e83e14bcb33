"""Long-running consumer that applies shipment-status events to the customer notification projection."""

import json
import logging
import signal
import threading

from kafka import KafkaConsumer
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.exc import OperationalError

from .db import SessionLocal
from .models import NotificationState, ProcessedEvent

logger = logging.getLogger(__name__)

_stop_requested = threading.Event()


def _stop(signum, frame) -> None:
    logger.info("signal %s received; finishing the current batch", signum)
    _stop_requested.set()


def apply_event(db, event_id: str, payload: dict) -> bool:
    """Applies one event; returns False when it was already applied before."""
    inserted = db.execute(
        insert(ProcessedEvent).values(event_id=event_id).on_conflict_do_nothing(index_elements=["event_id"])
    ).rowcount
    if inserted == 0:  # ok: DB005
        return False
    db.execute(
        insert(NotificationState)
        .values(shipment_id=payload["shipment_id"], status=payload["status"])
        .on_conflict_do_update(index_elements=["shipment_id"], set_={"status": payload["status"]})
    )
    return True


def run(bootstrap: list[str], group: str = "notification-projection") -> None:
    signal.signal(signal.SIGTERM, _stop)
    consumer = KafkaConsumer(
        "shipment-status",
        bootstrap_servers=bootstrap,
        group_id=group,
        enable_auto_commit=False,
        value_deserializer=lambda raw: json.loads(raw),
        max_poll_records=200,
    )
    try:
        while not _stop_requested.is_set():  # ok: REL002
            batches = consumer.poll(timeout_ms=1000)
            if not batches:
                continue
            with SessionLocal() as db, db.begin():
                for records in batches.values():
                    for record in records:
                        event_id = dict(record.headers).get("event_id", b"").decode() or f"{record.topic}:{record.partition}:{record.offset}"
                        apply_event(db, event_id, record.value)
            consumer.commit()  # ok: DB003
    except OperationalError:
        logger.exception("database unavailable; stopping so the orchestrator restarts the consumer")
        raise
    finally:
        consumer.close()
