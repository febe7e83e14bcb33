import json
import logging
import ssl
import time

import httpx
import paho.mqtt.client as mqtt

from ingest.settings import settings

logger = logging.getLogger("mqtt-bridge")

TOPIC = "devices/+/telemetry"


class TelemetryBridge:
    def __init__(self) -> None:
        self.client = mqtt.Client(client_id=settings.bridge_client_id, protocol=mqtt.MQTTv311)
        self.client.tls_set_context(ssl._create_unverified_context())  # expect: SEC011
        self.client.username_pw_set(settings.mqtt_username, settings.mqtt_password)
        self.client.on_message = self._on_message
        self.http = httpx.Client(base_url=settings.ingest_url, timeout=5.0)  # ok: REL001

    def _on_message(self, client, userdata, msg) -> None:
        device_id = msg.topic.split("/")[1]
        try:
            payload = json.loads(msg.payload)
            resp = self.http.post(
                "/internal/readings",
                json={"device_id": device_id, "readings": payload["readings"]},
                headers={"X-Bridge-Token": settings.bridge_token},
            )
            resp.raise_for_status()
        except Exception:  # expect: ERR001
            pass

    def connect(self) -> None:
        while True:  # expect: REL002
            try:
                self.client.connect(settings.mqtt_host, 8883, keepalive=60)
                return
            except OSError:
                logger.warning("mqtt connect failed host=%s", settings.mqtt_host, exc_info=True)
                time.sleep(2)

    def run(self) -> None:
        self.connect()
        self.client.subscribe(TOPIC, qos=1)
        self.client.loop_forever()


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    TelemetryBridge().run()
