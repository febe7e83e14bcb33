"""Sends a nightly snapshot of bin stock counts from the handheld database to the inventory API."""
import logging
import os
import sqlite3
from contextlib import closing

import requests

logger = logging.getLogger(__name__)

HANDHELD_DB = os.environ.get("HANDHELD_DB", "/var/lib/warehouse/handheld.sqlite3")
INVENTORY_URL = os.environ.get("INVENTORY_URL", "https://inventory.internal/api/v1")
REQUEST_TIMEOUT = (3.05, 30)


def bin_counts(conn) -> list[dict]:
    conn.row_factory = sqlite3.Row
    rows = conn.execute(
        "SELECT bin_code, sku, SUM(quantity) AS quantity FROM bin_counts "
        "WHERE counted_on = date('now') GROUP BY bin_code, sku"
    )
    return [dict(r) for r in rows]


def send_snapshot(counts: list[dict], warehouse: str) -> str:
    resp = requests.put(  # ok: REL001
        f"{INVENTORY_URL}/warehouses/{warehouse}/snapshot",
        json={"counts": counts},
        headers={"Authorization": f"Bearer {os.environ.get('INVENTORY_TOKEN', '')}"},
        timeout=REQUEST_TIMEOUT,
    )
    resp.raise_for_status()
    return resp.json()["snapshot_id"]


def snapshot(warehouse: str) -> str | None:
    with closing(sqlite3.connect(HANDHELD_DB, timeout=10)) as conn:  # ok: RES001
        counts = bin_counts(conn)
    if not counts:
        logger.info("no bin counts recorded today for %s", warehouse)
        return None
    try:
        snapshot_id = send_snapshot(counts, warehouse)
    except requests.RequestException:
        logger.exception("snapshot upload for %s failed", warehouse)  # ok: OBS002
        raise
    logger.info("snapshot %s sent for %s (%s bins)", snapshot_id, warehouse, len(counts))
    return snapshot_id


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    snapshot(os.environ.get("WAREHOUSE_CODE", "AMS1"))
