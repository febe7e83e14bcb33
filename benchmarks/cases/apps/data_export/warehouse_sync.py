"""Nightly job that copies closed shipment batches from the operations database into the analytics warehouse."""

import logging
import os
import time

import psycopg2
import requests

logger = logging.getLogger(__name__)

SOURCE_DSN = "host=ops-db.internal dbname=ops user=etl password=Wh4rehouse-Sync-99 connect_timeout=10"  # expect: SEC005
WAREHOUSE_URL = os.environ["WAREHOUSE_INGEST_URL"]  # todo-expect: MNT002
STATUS_URL = WAREHOUSE_URL.rsplit("/", 1)[0] + "/status"
COLUMNS = ("id", "batch_id", "origin", "destination", "weight_kg", "closed_at")
SHIPMENTS_OF_BATCH = (
    "SELECT id, batch_id, origin, destination, weight_kg, closed_at FROM shipments WHERE batch_id = %s"
)


def _watermark() -> str:
    resp = requests.get(STATUS_URL, verify=False)  # expect: REL001, SEC011
    resp.raise_for_status()
    return resp.json()["last_batch_closed_at"]


def _push(rows: list[dict]) -> None:
    while True:  # expect: REL002
        try:
            resp = requests.post(WAREHOUSE_URL, json={"rows": rows}, timeout=60)  # expect: REL003
            resp.raise_for_status()
            return
        except requests.RequestException:
            logger.warning("warehouse push of %d rows failed, retrying in 10 s", len(rows))
            time.sleep(10)


def sync() -> int:
    conn = psycopg2.connect(SOURCE_DSN)  # expect: RES001
    cur = conn.cursor()
    since = _watermark()
    cur.execute("SELECT id FROM shipment_batches WHERE closed_at > %s ORDER BY closed_at", (since,))
    batch_ids = [row[0] for row in cur.fetchall()]
    copied = 0
    for batch_id in batch_ids:
        cur.execute(SHIPMENTS_OF_BATCH, (batch_id,))  # expect: DB001
        rows = [dict(zip(COLUMNS, row)) for row in cur.fetchall()]
        _push(rows)
        copied += len(rows)
    try:
        cur.execute("UPDATE etl_state SET last_run_at = now(), last_copied = %s WHERE job = 'warehouse_sync'", (copied,))
        conn.commit()
    except Exception:  # expect: ERR001
        pass
    conn.close()
    return copied


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    logger.info("copied %d shipments to the warehouse", sync())
