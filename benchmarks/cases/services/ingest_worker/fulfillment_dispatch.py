"""Celery task that hands paid orders to the fulfilment partner."""
import logging
import time

from celery import shared_task

from .db import SessionLocal
from .fulfillment_client import FulfilmentError, submit_order
from .models import Order

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 4


@shared_task(name="ingest.dispatch_order", acks_late=True)
def dispatch_order(order_id: int):
    with SessionLocal() as session:
        order = session.get(Order, order_id)
        if order is None or order.shipment_id:
            logger.info("order %s already dispatched or missing", order_id)
            return None

        shipment_id = None
        for attempt in range(1, MAX_ATTEMPTS + 1):
            try:
                shipment_id = submit_order(order)  # expect: REL003
                break
            except (FulfilmentError, ConnectionError) as exc:
                logger.warning("dispatch of order %s failed (attempt %s/%s): %s", order.number, attempt, MAX_ATTEMPTS, exc)
                time.sleep(2 ** attempt)
        if shipment_id is None:
            order.fulfilment_state = "dispatch_failed"
            session.commit()
            return None

        order.shipment_id = shipment_id
        order.fulfilment_state = "dispatched"
        session.commit()
    logger.info("order %s dispatched as shipment %s", order_id, shipment_id)
    return shipment_id
