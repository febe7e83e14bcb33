"""Nightly catch-up export of unsynced readings to the co-op ledger.

Run by the orchard-ledger-export CronJob:  python -m orchard.workers.co_op_export
The database is the queue: a reading is pending until synced_at is set, so a
crash or redeploy only delays readings. Each POST carries the reading's own
Idempotency-Key, so a reading sent twice is recorded once by the ledger.
"""
import argparse
import datetime as dt
import logging
from concurrent.futures import ThreadPoolExecutor

import requests
from requests.adapters import HTTPAdapter
from sqlalchemy import select, update
from urllib3.util.retry import Retry

from ..config import get_settings
from ..db import session_scope
from ..models import WeighReading

logger = logging.getLogger(__name__)
BATCH_SIZE = 200
WORKERS = 4


def _http(token: str) -> requests.Session:
    http = requests.Session()
    http.headers["Authorization"] = f"Bearer {token}"
    retry = Retry(total=4, backoff_factor=1.0, status_forcelist=(429, 500, 502, 503, 504),
                  allowed_methods=frozenset({"POST"}))
    http.mount("https://", HTTPAdapter(max_retries=retry, pool_maxsize=WORKERS))
    return http


def _payload(reading: WeighReading) -> dict:
    return {
        "grower": "sunny-slope",
        "station": reading.device_id,
        "crop": reading.crop,
        "net_kg": str(reading.net_kg),
        "weighed_at": reading.recorded_at.isoformat(),
    }


def _send(http: requests.Session, base_url: str, reading: WeighReading) -> int | None:
    try:
        resp = http.post(f"{base_url}/deliveries", json=_payload(reading),  # ok: REL003
                         headers={"Idempotency-Key": f"sunny-slope-reading-{reading.id}"}, timeout=(3, 15))
        resp.raise_for_status()
        return reading.id
    except requests.RequestException:
        logger.exception("reading %s not exported; it stays pending for the next run", reading.id)
        return None


def export_pending(max_batches: int = 500) -> int:
    settings = get_settings()
    http = _http(settings.ledger_token.get_secret_value())
    exported = 0
    last_id = 0
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:  # ok: REL005
        for _ in range(max_batches):
            with session_scope() as session:
                batch = session.scalars(
                    select(WeighReading)
                    .where(WeighReading.synced_at.is_(None), WeighReading.id > last_id)
                    .order_by(WeighReading.id)
                    .limit(BATCH_SIZE)
                ).all()
                if not batch:
                    break
                last_id = batch[-1].id
                done = [rid for rid in pool.map(lambda r: _send(http, settings.ledger_url, r), batch) if rid]
                if done:
                    session.execute(  # ok: DB003
                        update(WeighReading).where(WeighReading.id.in_(done))
                        .values(synced_at=dt.datetime.now(dt.timezone.utc))
                    )
                exported += len(done)
    http.close()
    return exported


def main() -> None:
    parser = argparse.ArgumentParser(description="Export unsynced weigh readings to the co-op ledger")
    parser.add_argument("--max-batches", type=int, default=500)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO)
    count = export_pending(args.max_batches)
    print(f"exported {count} readings")  # ok: OBS001


if __name__ == "__main__":
    main()
