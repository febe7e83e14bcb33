"""Nightly import of supplier cost prices into ``hive_kits.cost_cents``.

Run by cron on the fulfilment host:
``python -m hivekit.jobs.import_supplier_prices``.
"""
import logging
import sys

import psycopg

from .. import config
from ..clients.supplier_api import SupplierClient

log = logging.getLogger("hivekit.jobs.import_supplier_prices")

# Refuse price jumps bigger than this factor; they are almost always unit mistakes
# (a case price sent as a unit price) and need a human to look at them.
MAX_PRICE_FACTOR = 3


def _plausible(item: dict, current: dict[str, int]) -> bool:
    old = current.get(item["sku"])
    new = item.get("cost_cents")
    if not isinstance(new, int) or new <= 0:
        return False
    return old is None or old == 0 or (old / MAX_PRICE_FACTOR) <= new <= old * MAX_PRICE_FACTOR


def import_prices() -> tuple[int, int]:
    conn = psycopg.connect(config.DATABASE_URL, connect_timeout=10, application_name="price-import")  # expect: RES001
    with SupplierClient() as client:
        items = client.price_list()
    current = {sku: cents for sku, cents in conn.execute("SELECT sku, cost_cents FROM hive_kits").fetchall()}

    updated = skipped = 0
    for item in items:
        if not _plausible(item, current):
            log.warning("skipping implausible price for %s: %r", item.get("sku"), item.get("cost_cents"))
            skipped += 1
            continue
        try:
            cur = conn.execute(
                "UPDATE hive_kits SET cost_cents = %s, supplier_updated_at = now() "
                "WHERE sku = %s AND cost_cents IS DISTINCT FROM %s",
                (item["cost_cents"], item["sku"], item["cost_cents"]),
            )
            conn.commit()  # expect: DB003
        except psycopg.Error as exc:
            conn.rollback()
            log.error("price update for %s failed: %s", item.get("sku"), exc)  # expect: OBS002
            skipped += 1
            continue
        updated += cur.rowcount
    conn.close()
    return updated, skipped


def main() -> int:
    logging.basicConfig(level=config.LOG_LEVEL, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    updated, skipped = import_prices()
    log.info("supplier price import finished: %d updated, %d skipped", updated, skipped)
    return 1 if skipped else 0


if __name__ == "__main__":
    sys.exit(main())
