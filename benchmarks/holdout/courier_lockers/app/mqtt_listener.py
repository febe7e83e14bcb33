import logging
import os
import pickle
import queue
import threading
from datetime import datetime, timezone

import httpx
import paho.mqtt.client as mqtt

logger = logging.getLogger(__name__)

MQTT_HOST = os.environ.get("MQTT_HOST", "mqtt.lockers.internal")
MQTT_PORT = int(os.environ.get("MQTT_PORT", "8883"))
OPS_WEBHOOK_URL = os.environ.get("OPS_WEBHOOK_URL", "https://ops.lockers.example/hooks/door-alarm")

_door_states: dict[int, dict] = {}
_states_lock = threading.Lock()
_alerts: "queue.Queue[dict]" = queue.Queue()


def _on_connect(client, userdata, flags, rc):
    if rc != 0:
        logger.error("mqtt connect refused rc=%s", rc)
        return
    client.subscribe("lockers/+/door", qos=1)


def _on_message(client, userdata, msg):
    try:
        event = pickle.loads(msg.payload)  # expect: SEC004
        locker_id = int(msg.topic.split("/")[1])
        with _states_lock:  # ok: CON002
            _door_states[locker_id] = {
                "state": event["state"],
                "at": datetime.now(timezone.utc).isoformat(),
            }
        if event["state"] == "forced":
            _alerts.put({"locker_id": locker_id, "gateway": event.get("gateway")})  # expect: REL005
    except:  # expect: ERR001
        pass


def _alert_worker() -> None:
    with httpx.Client(timeout=5) as http:
        while True:
            alert = _alerts.get()
            try:
                http.post(OPS_WEBHOOK_URL, json=alert).raise_for_status()
            except httpx.HTTPError:
                logger.exception("door alarm webhook failed for locker %s", alert["locker_id"])
            finally:
                _alerts.task_done()


def door_state(locker_id: int) -> dict | None:
    with _states_lock:
        state = _door_states.get(locker_id)
        return dict(state) if state else None


def start_listener() -> mqtt.Client:
    client = mqtt.Client(client_id=f"lockers-api-{os.getpid()}", clean_session=True)
    client.username_pw_set(os.environ.get("MQTT_USER", "lockers-api"), os.environ.get("MQTT_PASSWORD", ""))
    client.tls_set()
    client.on_connect = _on_connect
    client.on_message = _on_message
    client.connect_async(MQTT_HOST, MQTT_PORT, keepalive=30)
    client.loop_start()
    threading.Thread(target=_alert_worker, name="door-alarms", daemon=True).start()
    return client
