"""Collects listen events from web players and forwards them to the analytics warehouse in batches."""
import logging
import os
import threading
import time

import requests
from fastapi import FastAPI, Request

log = logging.getLogger(__name__)
app = FastAPI(title="listen-events")

WAREHOUSE_URL = os.environ.get("ANALYTICS_WAREHOUSE_URL", "https://ingest.analytics.example.com/v1/events")
FLUSH_INTERVAL_SECONDS = 10
MAX_BATCH = 5000

_pending_events: list[dict] = []  # todo-expect: REL005
_pending_lock = threading.Lock()


def _flush_forever() -> None:
    while True:
        time.sleep(FLUSH_INTERVAL_SECONDS)
        with _pending_lock:
            batch = _pending_events[:MAX_BATCH]
            del _pending_events[:MAX_BATCH]
        if not batch:
            continue
        try:
            resp = requests.post(WAREHOUSE_URL, json={"events": batch}, timeout=10)  # ok: REL001
            resp.raise_for_status()
        except Exception:  # expect: ERR001
            pass


threading.Thread(target=_flush_forever, name="listen-flusher", daemon=True).start()  # expect: SCL003


@app.post("/events/listen", status_code=204)
async def record_listen(request: Request):
    event = await request.json()
    event["ip"] = request.client.host if request.client else None
    event["received_at"] = time.time()
    with _pending_lock:
        _pending_events.append(event)  # ok: CON002


@app.get("/healthz")
async def healthz():
    return {"status": "ok", "pending": len(_pending_events)}
