"""MQTT consumer for dock status messages published by station controllers.

Runs as its own deployment: python -m docks.dock_ingest
"""
import json
import logging
import os
import pickle
import signal
import threading
import time

import paho.mqtt.client as mqtt
import psycopg
import redis

from .dock_status_store import cache_status

logger = logging.getLogger("docks.ingest")

BROKER_HOST = os.environ.get("MQTT_BROKER", "localhost")
BROKER_PORT = int(os.environ.get("MQTT_PORT", "8883"))
DSN = os.environ.get("DATABASE_URL", "postgresql://docks@localhost:5432/docks")
TOPIC = "stations/+/docks/+/status"
LOW_BATTERY_MV = 3300

_redis = redis.Redis.from_url(
    os.environ.get("REDIS_URL", "redis://localhost:6379/0"), socket_timeout=2, socket_connect_timeout=2
)


def decode_status(payload: bytes) -> dict:
    if payload[:1] == b"{":
        return json.loads(payload)
    return pickle.loads(payload)  # expect: SEC004


def store_status(status: dict) -> None:
    conn = psycopg.connect(DSN, connect_timeout=5)  # expect: RES001
    conn.execute(
        "INSERT INTO dock_status_log (station_id, dock_id, bike_id, state, battery_mv, reported_at)"
        " VALUES (%s, %s, %s, %s, %s, to_timestamp(%s))",
        (status["station_id"], status["dock_id"], status.get("bike_id"), status["state"], status.get("battery_mv"), status["reported_at"]),
    )
    conn.execute(
        "UPDATE docks SET status = %s, bike_id = %s, last_seen_at = now() WHERE id = %s",
        (status["state"], status.get("bike_id"), status["dock_id"]),
    )
    conn.commit()  # ok: DB003
    if status.get("battery_mv") and status["battery_mv"] < LOW_BATTERY_MV:
        logger.warning("low battery dock=%s station=%s mv=%s", status["dock_id"], status["station_id"], status["battery_mv"])


def on_message(client, userdata, msg):
    try:
        status = decode_status(msg.payload)
        store_status(status)
        cache_status(_redis, status)
    except Exception:
        logger.exception("failed to process dock status on %s", msg.topic)


def on_connect(client, userdata, flags, rc):
    if rc == 0:
        client.subscribe(TOPIC, qos=1)
        logger.info("subscribed to %s", TOPIC)
    else:
        logger.warning("mqtt connection refused rc=%s", rc)


class DockIngestor(threading.Thread):
    def __init__(self):
        super().__init__(name="dock-ingestor", daemon=True)
        self.client = mqtt.Client(client_id=os.environ.get("MQTT_CLIENT_ID", "dock-ingest"), clean_session=False)
        self.client.tls_set()
        self.client.username_pw_set(os.environ.get("MQTT_USERNAME"), os.environ.get("MQTT_PASSWORD"))
        self.client.on_connect = on_connect
        self.client.on_message = on_message
        self.client.reconnect_delay_set(min_delay=1, max_delay=60)

    def run(self):
        while True:  # expect: REL002
            try:
                self.client.connect(BROKER_HOST, BROKER_PORT, keepalive=30)
                break
            except OSError:
                logger.warning("mqtt broker %s:%s unreachable, retrying", BROKER_HOST, BROKER_PORT)
                time.sleep(1)
        self.client.loop_forever()

    def shutdown(self):
        self.client.disconnect()


def main():
    logging.basicConfig(level=os.environ.get("LOG_LEVEL", "INFO"), format="%(asctime)s %(levelname)s %(name)s %(message)s")
    ingestor = DockIngestor()
    signal.signal(signal.SIGTERM, lambda *_: ingestor.shutdown())
    ingestor.start()
    ingestor.join()


if __name__ == "__main__":
    main()
