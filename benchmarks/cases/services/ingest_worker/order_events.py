"""Kafka consumer that records order status changes and republishes them for downstream services."""
import json
import logging
import os

from kafka import KafkaConsumer, KafkaProducer

from .db import SessionLocal
from .models import Order, OrderStatusChange

logger = logging.getLogger(__name__)

BOOTSTRAP = os.environ.get("KAFKA_BOOTSTRAP", "kafka:9092").split(",")
SOURCE_TOPIC = "warehouse.order-status"
TARGET_TOPIC = "orders.status-changed"

producer = KafkaProducer(bootstrap_servers=BOOTSTRAP, value_serializer=lambda v: json.dumps(v).encode(), acks="all")


def handle(message: dict) -> None:
    with SessionLocal() as session:
        order = session.query(Order).filter_by(number=message["order_number"]).one_or_none()
        if order is None:
            logger.warning("status update for unknown order")  # todo-expect: OBS003
            return
        previous = order.status
        order.status = message["status"]
        session.add(OrderStatusChange(order_id=order.id, old_status=previous, new_status=order.status))
        session.commit()

    try:
        producer.send(TARGET_TOPIC, {"order_id": order.id, "from": previous, "to": message["status"]})  # expect: REL004
    except Exception:  # expect: ERR001
        pass


def main():
    logging.basicConfig(level=logging.INFO)
    consumer = KafkaConsumer(
        SOURCE_TOPIC,
        bootstrap_servers=BOOTSTRAP,
        group_id="order-status-recorder",
        enable_auto_commit=False,
        value_deserializer=lambda b: json.loads(b),
    )
    for record in consumer:
        handle(record.value)
        consumer.commit()


if __name__ == "__main__":
    main()
