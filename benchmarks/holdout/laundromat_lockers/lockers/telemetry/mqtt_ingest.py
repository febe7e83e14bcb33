"""MQTT telemetry from washers and dryers, pushed onto a Redis stream for the dashboards."""
import asyncio
import json
import logging
import pickle
import ssl
import time

import paho.mqtt.client as mqtt
import redis
from aiohttp import web

from .. import config

log = logging.getLogger(__name__)

TOPIC = "laundromat/+/machines/+/telemetry"
STREAM = "telemetry:readings"

# machine id -> unix time of the last message
_last_seen: dict[str, float] = {}


def last_seen(machine_id: str) -> float | None:
    return _last_seen.get(machine_id)


def _on_connect(client, userdata, flags, reason_code, properties=None):
    if reason_code == 0:
        client.subscribe(TOPIC, qos=1)
        log.info("mqtt connected, subscribed to %s", TOPIC)
    else:
        log.warning("mqtt connect refused: %s", reason_code)


def _on_message(client, userdata, msg):
    r: redis.Redis = userdata["redis"]
    try:
        if msg.payload[:1] == b"{":
            reading = json.loads(msg.payload)
        else:
            # controllers on firmware < 2.3 publish pickled dicts
            reading = pickle.loads(msg.payload)  # expect: SEC004
        machine_id = str(reading["machine_id"])
        r.xadd(STREAM, {k: str(v) for k, v in reading.items()}, maxlen=1_000_000, approximate=True)
        _last_seen[machine_id] = time.time()  # expect: SCL001
        if reading.get("fault_code"):
            r.hset(f"machine:{machine_id}", mapping={"fault": reading["fault_code"], "at": int(time.time())})
    except Exception:  # expect: ERR001
        pass


def _build_client() -> mqtt.Client:
    cfg = config.current()
    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id="lockers-telemetry")
    client.username_pw_set(cfg["mqtt_user"], cfg["mqtt_password"])
    client.tls_set(cert_reqs=ssl.CERT_NONE)  # expect: SEC011
    client.tls_insecure_set(True)
    client.user_data_set({"redis": redis.Redis.from_url(cfg["redis_url"], socket_timeout=3, socket_connect_timeout=3)})
    client.on_connect = _on_connect
    client.on_message = _on_message
    client.reconnect_delay_set(min_delay=1, max_delay=60)
    client.connect(cfg["mqtt_host"], int(cfg["mqtt_port"]), keepalive=30)
    return client


async def _start(app: web.Application) -> None:
    client = await asyncio.to_thread(_build_client)
    client.loop_start()  # expect: SCL003
    app["mqtt"] = client


async def _stop(app: web.Application) -> None:
    client = app.get("mqtt")
    if client is not None:
        client.loop_stop()
        client.disconnect()


def attach(app: web.Application) -> None:
    app.on_startup.append(_start)
    app.on_cleanup.append(_stop)
