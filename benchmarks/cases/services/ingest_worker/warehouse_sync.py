"""Pushes pick-list confirmations from the warehouse handheld database to the fulfilment API."""
import logging
import os
import sqlite3

import requests

logger = logging.getLogger(__name__)

HANDHELD_DB = os.environ.get("HANDHELD_DB", "/var/lib/warehouse/handheld.sqlite3")
FULFILMENT_URL = os.environ.get("FULFILMENT_URL", "https://fulfilment.internal/api/v1")


def pending_confirmations(conn):
    cur = conn.execute(
        "SELECT id, order_number, sku, quantity, picked_at FROM pick_confirmations "
        "WHERE synced_at IS NULL ORDER BY picked_at LIMIT 500"
    )
    return cur.fetchall()


def push_confirmation(row) -> bool:
    confirmation_id, order_number, sku, quantity, picked_at = row
    resp = requests.post(  # expect: REL001
        f"{FULFILMENT_URL}/orders/{order_number}/picks",
        json={"confirmation_id": confirmation_id, "sku": sku, "quantity": quantity, "picked_at": picked_at},
        headers={"Authorization": f"Bearer {os.environ.get('FULFILMENT_TOKEN', '')}"},
    )
    return resp.status_code in (200, 201, 409)


def sync_once() -> int:
    conn = sqlite3.connect(HANDHELD_DB)  # expect: RES001
    synced = 0
    for row in pending_confirmations(conn):
        try:
            ok = push_confirmation(row)
        except requests.RequestException as exc:
            logger.error("could not push confirmation %s: %s", row[0], exc)  # expect: OBS002
            break
        if ok:
            conn.execute("UPDATE pick_confirmations SET synced_at = datetime('now') WHERE id = ?", (row[0],))
            synced += 1
    conn.commit()
    conn.close()
    logger.info("synced %s pick confirmations", synced)
    return synced


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    sync_once()
