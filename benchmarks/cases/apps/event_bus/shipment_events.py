"""Celery tasks that pull carrier tracking updates, record shipment status changes and announce them."""

import json
import logging

import requests
from celery import shared_task
from kafka import KafkaProducer
from kafka.errors import KafkaError
from tenacity import retry, wait_exponential

from .db import SessionLocal
from .models import Shipment, StatusChange

logger = logging.getLogger(__name__)

CARRIER_API = "https://api.carrier.example.com/track"
MAILER_URL = "https://mailer.internal/api/send"
producer = KafkaProducer(
    bootstrap_servers=["kafka-1:9092", "kafka-2:9092"],
    value_serializer=lambda value: json.dumps(value).encode(),
    request_timeout_ms=10000,
)


@retry(wait=wait_exponential(multiplier=1, max=30))  # expect: REL002
def _carrier_status(tracking_number: str) -> dict:
    resp = requests.get(f"{CARRIER_API}/{tracking_number}", timeout=10)
    resp.raise_for_status()
    return resp.json()


def _announce(shipment_id: int, status: str) -> bool:
    try:
        producer.send("shipment-status", key=str(shipment_id).encode(), value={"shipment_id": shipment_id, "status": status}).get(timeout=10)
    except KafkaError:  # expect: ERR002
        logger.warning("could not announce shipment %s status %s", shipment_id, status, exc_info=True)  # ok: OBS002
        return True
    return True


@shared_task(bind=True, autoretry_for=(Exception,), max_retries=None, default_retry_delay=30)  # expect: REL002
def sync_status(self, shipment_id: int) -> str:
    with SessionLocal() as db:
        shipment = db.get(Shipment, shipment_id)
        tracking = _carrier_status(shipment.tracking_number)
        status = tracking["status"]
        if status == shipment.status:  # expect: DB005
            return status
        shipment.status = status
        db.add(StatusChange(shipment_id=shipment.id, status=status, source="carrier", raw=tracking))
        if status == "delivered":
            requests.post(MAILER_URL, json={"template": "delivered", "to": shipment.customer_email, "shipment": shipment.id}, timeout=10)  # expect: REL003, REL004
        db.commit()
    _announce(shipment_id, status)  # expect: REL004
    logger.info("shipment %s moved to %s", shipment_id, status)
    return status


@shared_task
def sync_open_shipments() -> int:
    with SessionLocal() as db:
        ids = [row.id for row in db.query(Shipment.id).filter(Shipment.status.notin_(("delivered", "returned"))).limit(5000)]
    for shipment_id in ids:
        sync_status.delay(shipment_id)
    return len(ids)
