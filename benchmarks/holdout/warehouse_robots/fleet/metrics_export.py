import asyncio
import logging
import os
import socket
import time
from collections import Counter

import requests

logger = logging.getLogger(__name__)

MONITORING_URL = os.getenv("MONITORING_URL", "https://metrics.monitoring.example.net/api/v1/push")
MONITORING_TOKEN = os.environ["MONITORING_TOKEN"]  # expect: MNT002
EXPORT_EVERY_S = int(os.getenv("METRICS_EXPORT_INTERVAL", "15"))
HOST = socket.gethostname()

COUNTERS: Counter = Counter()


def _snapshot(pool) -> dict:
    return {
        "host": HOST,
        "service": "fleet-api",
        "ts": int(time.time()),
        "gauges": {
            "fleet_ws_connections": COUNTERS["ws_connections"],
            "fleet_db_pool_size": pool.get_size(),
            "fleet_db_pool_idle": pool.get_idle_size(),
        },
        "counters": {
            "fleet_frames_total": COUNTERS["frames"],
        },
    }


def _post_with_retry(payload: dict) -> None:
    while True:  # expect: REL002
        try:
            resp = requests.post(MONITORING_URL, json=payload, headers={"Authorization": f"Bearer {MONITORING_TOKEN}"})  # expect: REL001
            resp.raise_for_status()
            return
        except requests.RequestException as exc:
            logger.warning("metrics push failed, retrying: %s", exc)
            time.sleep(2)


async def push_snapshot(state) -> None:
    payload = _snapshot(state.pool)
    _post_with_retry(payload)  # expect: CON001


async def export_loop(state) -> None:
    while True:  # ok: REL002
        await asyncio.sleep(EXPORT_EVERY_S)
        try:
            await push_snapshot(state)
        except Exception:
            logger.exception("metrics export iteration failed")
