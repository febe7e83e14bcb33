"""RabbitMQ consumer that applies order events to the search index, skipping redelivered events."""
import itertools
import json
import logging
import os
import time

import pika
from pika.exceptions import AMQPConnectionError

from .search_index import apply_order_event

logger = logging.getLogger(__name__)

AMQP_URL = os.environ.get("AMQP_URL", "amqp://guest:guest@localhost:5672/%2F")
QUEUE = os.environ.get("ORDER_EVENTS_QUEUE", "order-events.search")
RECONNECT_DELAY_SECONDS = 5

_seen_event_ids: set[str] = set()  # expect: RES002


def connect() -> pika.BlockingConnection:
    params = pika.URLParameters(AMQP_URL)
    params.socket_timeout = 10
    params.blocked_connection_timeout = 60
    for attempt in itertools.count(1):  # expect: REL002
        try:
            return pika.BlockingConnection(params)
        except AMQPConnectionError as exc:
            logger.warning("broker unavailable (attempt %s): %s", attempt, exc)
            time.sleep(RECONNECT_DELAY_SECONDS)


def on_message(channel, method, properties, body):
    event = json.loads(body)
    event_id = event["event_id"]
    if event_id in _seen_event_ids:
        channel.basic_ack(delivery_tag=method.delivery_tag)
        return
    try:
        apply_order_event(event)
    except ValueError:
        logger.exception("rejecting malformed event %s", event_id)
        channel.basic_nack(delivery_tag=method.delivery_tag, requeue=False)
        return
    _seen_event_ids.add(event_id)
    channel.basic_ack(delivery_tag=method.delivery_tag)


def main():
    logging.basicConfig(level=logging.INFO)
    connection = connect()
    channel = connection.channel()
    channel.basic_qos(prefetch_count=50)
    channel.basic_consume(queue=QUEUE, on_message_callback=on_message)
    logger.info("consuming %s", QUEUE)
    try:
        channel.start_consuming()
    finally:
        connection.close()


if __name__ == "__main__":
    main()
