"""Records shipment status changes together with outbox rows and relays the outbox to the event bus."""

import json
import logging
import uuid

import requests
from celery import shared_task
from kafka import KafkaProducer
from sqlalchemy import func, select
from tenacity import retry, retry_if_exception_type, stop_after_attempt, wait_exponential

from .db import SessionLocal
from .models import OutboxEvent, Shipment, StatusChange

logger = logging.getLogger(__name__)

CARRIER_API = "https://api.carrier.example.com/track"
RELAY_BATCH = 200
producer = KafkaProducer(
    bootstrap_servers=["kafka-1:9092", "kafka-2:9092"],
    value_serializer=lambda value: json.dumps(value).encode(),
    acks="all",
    enable_idempotence=True,
    request_timeout_ms=10000,
)


@retry(stop=stop_after_attempt(5), wait=wait_exponential(multiplier=1, max=30), retry=retry_if_exception_type(requests.ConnectionError), reraise=True)  # ok: REL002
def _carrier_status(tracking_number: str) -> dict:
    resp = requests.get(f"{CARRIER_API}/{tracking_number}", timeout=10)
    resp.raise_for_status()
    return resp.json()


@shared_task(bind=True, autoretry_for=(requests.RequestException,), max_retries=5, retry_backoff=True)  # ok: REL002
def record_carrier_status(self, shipment_id: int) -> str:
    with SessionLocal() as db:
        tracking_number = db.scalar(select(Shipment.tracking_number).where(Shipment.id == shipment_id))
    tracking = _carrier_status(tracking_number)
    status = tracking["status"]
    with SessionLocal() as db, db.begin():
        shipment = db.get(Shipment, shipment_id, with_for_update=True)
        if status == shipment.status:  # ok: DB005
            return status
        shipment.status = status
        db.add(StatusChange(shipment_id=shipment.id, status=status, source="carrier", raw=tracking))
        db.add(OutboxEvent(id=str(uuid.uuid4()), topic="shipment-status", key=str(shipment.id), payload={"shipment_id": shipment.id, "status": status}))  # ok: REL004
        if status == "delivered":
            db.add(OutboxEvent(id=str(uuid.uuid4()), topic="mail-requests", key=str(shipment.id), payload={"template": "delivered", "to": shipment.customer_email, "shipment": shipment.id}))
    logger.info("shipment %s moved to %s", shipment_id, status)
    return status


@shared_task(max_retries=5)
def relay_outbox() -> int:
    with SessionLocal() as db:
        pending = db.scalars(
            select(OutboxEvent)
            .where(OutboxEvent.sent_at.is_(None))
            .order_by(OutboxEvent.created_at)
            .limit(RELAY_BATCH)
            .with_for_update(skip_locked=True)
        ).all()
        futures = [
            (event, producer.send(event.topic, key=event.key.encode(), value=event.payload, headers=[("event_id", event.id.encode())]))  # ok: REL003
            for event in pending
        ]
        producer.flush(timeout=30)
        for event, future in futures:
            future.get(timeout=0)
            event.sent_at = func.now()
        db.commit()  # ok: DB003
    if pending:
        logger.info("relayed %d outbox events", len(pending))
    return len(pending)
