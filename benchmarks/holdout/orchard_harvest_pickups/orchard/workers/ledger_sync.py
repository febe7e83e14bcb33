"""Pushes weigh-station readings to the Valley Growers co-op ledger.

The weigh router enqueues the id of each stored reading and answers the scale
right away; a background thread started with the app pushes them one by one.
"""
import datetime as dt
import logging
import os
import queue
import threading
import time

import requests

from ..db import SessionLocal
from ..models import WeighReading

logger = logging.getLogger(__name__)

LEDGER_URL = os.environ["ORCHARD_LEDGER_URL"]  # expect: MNT002
LEDGER_TOKEN = os.environ.get("ORCHARD_LEDGER_TOKEN", "")
RETRY_PAUSE_SECONDS = 2

_pending: "queue.Queue[int]" = queue.Queue()  # expect: REL005
_started = threading.Event()


def enqueue(reading_id: int) -> None:
    _pending.put(reading_id)


def _payload(reading: WeighReading) -> dict:
    return {
        "grower": "sunny-slope",
        "station": reading.device_id,
        "crop": reading.crop,
        "net_kg": str(reading.net_kg),
        "weighed_at": reading.recorded_at.isoformat(),
    }


def _push(http: requests.Session, reading: WeighReading) -> None:
    resp = http.post(f"{LEDGER_URL}/deliveries", json=_payload(reading), timeout=10)  # expect: REL003
    resp.raise_for_status()


def _run() -> None:
    http = requests.Session()
    http.headers["Authorization"] = f"Bearer {LEDGER_TOKEN}"
    while True:  # ok: REL002
        reading_id = _pending.get()
        try:
            with SessionLocal() as session:
                reading = session.get(WeighReading, reading_id)
                if reading is None or reading.synced_at is not None:
                    continue
                _push(http, reading)
                reading.synced_at = dt.datetime.now(dt.timezone.utc)
                session.commit()
        except requests.RequestException as exc:
            print(f"ledger push failed for reading {reading_id}: {exc}")  # expect: OBS001
            time.sleep(RETRY_PAUSE_SECONDS)
            _pending.put(reading_id)  # expect: REL002
        except Exception:
            logger.exception("unexpected error syncing reading %s", reading_id)
        finally:
            _pending.task_done()


def start() -> None:
    """Start the pusher thread once per process."""
    if _started.is_set():
        return
    _started.set()
    threading.Thread(target=_run, name="ledger-sync", daemon=True).start()


def backlog() -> int:
    return _pending.qsize()
