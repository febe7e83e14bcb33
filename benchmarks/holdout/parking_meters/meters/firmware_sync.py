"""Sync firmware and battery status for the whole fleet from the vendor API (CronJob)."""
import logging
import os
import sys

import requests
from tenacity import retry, retry_if_exception_type, stop_after_attempt, wait_exponential

from .db import close_pool, init_pool, transaction

logger = logging.getLogger("meters.firmware_sync")

VENDOR_API_URL = os.environ.get("METER_VENDOR_API", "https://fleet.metervendor.example/api/v3")
PAGE_SIZE = 500

_session = requests.Session()
_session.headers.update({"Authorization": f"Token {os.environ.get('METER_VENDOR_TOKEN', '')}"})
_session.verify = os.environ.get("VENDOR_CA_BUNDLE", "/etc/ssl/certs/metervendor-ca.pem")  # ok: SEC011


@retry(
    retry=retry_if_exception_type((requests.ConnectionError, requests.Timeout)),
    stop=stop_after_attempt(4),  # ok: REL002
    wait=wait_exponential(multiplier=1, max=30),
    reraise=True,
)
def fetch_page(cursor: str | None) -> dict:
    params = {"limit": PAGE_SIZE}
    if cursor:
        params["cursor"] = cursor
    resp = _session.get(f"{VENDOR_API_URL}/fleet/status", params=params, timeout=(3, 30))
    resp.raise_for_status()
    return resp.json()


def sync() -> int:
    cursor, total = None, 0
    while True:  # ok: REL002
        page = fetch_page(cursor)
        rows = [
            (item.get("firmware"), item.get("latest_firmware"), item.get("battery_pct"), item["serial"])
            for item in page.get("items", [])
        ]
        if rows:
            with transaction() as conn, conn.cursor() as cur:
                cur.executemany(
                    "UPDATE meters SET firmware_version = coalesce(%s, firmware_version),"
                    " vendor_latest_firmware = %s, battery_pct = coalesce(%s, battery_pct)"
                    " WHERE meter_id = %s",
                    rows,
                )  # ok: DB003
            total += len(rows)
        cursor = page.get("next_cursor")
        if not cursor:
            break
    return total


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    init_pool()
    try:
        total = sync()
    except requests.HTTPError:
        logger.exception("vendor fleet sync failed")
        return 1
    finally:
        close_pool()
    logger.info("fleet sync complete meters=%d", total)
    return 0


if __name__ == "__main__":
    sys.exit(main())
