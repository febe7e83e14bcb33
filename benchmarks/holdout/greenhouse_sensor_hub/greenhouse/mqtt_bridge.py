"""MQTT -> hub bridge. Runs as its own process next to the broker.

Sensor nodes publish to greenhouse/<site>/sensors/<device_uid>. Readings are
buffered locally so a hub outage doesn't lose them, then forwarded in batches.
"""
from __future__ import annotations

import asyncio
import json
import logging
import os
import sqlite3
import ssl
import time

import aiomqtt
import httpx

log = logging.getLogger("greenhouse.bridge")

MQTT_HOST = os.environ.get("MQTT_HOST", "mosquitto")
MQTT_PORT = int(os.environ.get("MQTT_PORT", "8883"))
MQTT_USERNAME = os.environ.get("MQTT_USERNAME", "bridge")
MQTT_PASSWORD = os.environ.get("MQTT_PASSWORD", "Sph4gnum-moss-77")  # expect: SEC005
HUB_INGEST_URL = os.environ.get("HUB_INGEST_URL", "http://hub:8080/ingest/readings")
GATEWAY_KEY = os.environ.get("GATEWAY_INGEST_KEY", "")
BUFFER_PATH = os.environ.get("BRIDGE_BUFFER_PATH", "/var/lib/hub/bridge-buffer.sqlite3")
FLUSH_EVERY = 5.0
BATCH = 1000


def _tls_context() -> ssl.SSLContext:
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE  # expect: SEC011
    return ctx


def _open_buffer() -> sqlite3.Connection:
    conn = sqlite3.connect(BUFFER_PATH, check_same_thread=False)
    conn.execute("CREATE TABLE IF NOT EXISTS pending (uid TEXT, ts REAL, value REAL)")
    return conn


def _buffer_reading(conn: sqlite3.Connection, uid: str, ts: float, value: float) -> None:
    conn.execute("INSERT INTO pending (uid, ts, value) VALUES (?, ?, ?)", (uid, ts, value))
    conn.commit()  # ok: DB003


def _take_batch(conn: sqlite3.Connection) -> list[tuple]:
    return conn.execute("SELECT rowid, uid, ts, value FROM pending ORDER BY rowid LIMIT ?", (BATCH,)).fetchall()


def _delete_upto(conn: sqlite3.Connection, rowid: int) -> None:
    conn.execute("DELETE FROM pending WHERE rowid <= ?", (rowid,))
    conn.commit()


async def _flush(conn: sqlite3.Connection, http: httpx.AsyncClient) -> int:
    rows = await asyncio.to_thread(_take_batch, conn)  # ok: CON001
    if not rows:
        return 0
    readings = [{"uid": uid, "ts": ts, "v": value} for _, uid, ts, value in rows]
    resp = await http.post(HUB_INGEST_URL, json={"gateway": "bridge", "readings": readings},
                           headers={"X-Gateway-Key": GATEWAY_KEY})
    resp.raise_for_status()
    await asyncio.to_thread(_delete_upto, conn, rows[-1][0])
    return len(rows)


async def run() -> None:
    conn = _open_buffer()
    last_flush = time.monotonic()
    async with httpx.AsyncClient(timeout=10.0) as http, aiomqtt.Client(
        hostname=MQTT_HOST, port=MQTT_PORT, username=MQTT_USERNAME, password=MQTT_PASSWORD,
        tls_context=_tls_context(), identifier="hub-bridge",
    ) as client:
        await client.subscribe("greenhouse/+/sensors/+", qos=1)
        async for message in client.messages:
            uid = str(message.topic).rsplit("/", 1)[-1]
            try:
                data = json.loads(message.payload)
                ts, value = float(data["ts"]), float(data["v"])
            except (ValueError, KeyError, TypeError):
                log.warning("dropping malformed reading from %s", uid)
                continue
            _buffer_reading(conn, uid, ts, value)  # expect: CON001

            if time.monotonic() - last_flush >= FLUSH_EVERY:
                try:
                    sent = await _flush(conn, http)
                    log.debug("forwarded %s readings", sent)
                except httpx.HTTPError:
                    log.warning("hub unreachable, keeping readings buffered", exc_info=True)
                last_flush = time.monotonic()


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    asyncio.run(run())
