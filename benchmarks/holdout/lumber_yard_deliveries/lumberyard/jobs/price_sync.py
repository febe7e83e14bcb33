"""Nightly job: pull the mill's price sheet and update our price list.

Runs as a Kubernetes CronJob at 05:30 Pacific:
    python -m lumberyard.jobs.price_sync --date 2024-06-03
"""
import argparse
import datetime as dt
import logging
from decimal import ROUND_HALF_UP, Decimal

from ..clients.supplier_feed import SupplierFeedClient
from ..db import get_conn

logger = logging.getLogger(__name__)

CENT = Decimal("0.01")


def _with_markup(price: Decimal, markup_percent: int) -> Decimal:
    return (price * (Decimal(100 + markup_percent) / 100)).quantize(CENT, rounding=ROUND_HALF_UP)


def sync_prices(app, effective: dt.date) -> tuple[int, int]:
    client = SupplierFeedClient(app.config["SUPPLIER_FEED_URL"], app.config["SUPPLIER_FEED_KEY"])
    markup = app.config["PRICE_MARKUP_PERCENT"]
    updated = skipped = 0
    try:
        items = client.raw_price_sheet(effective)
    finally:
        client.close()

    with app.app_context():
        conn = get_conn()
        with conn.cursor() as cur:
            for item in items:
                try:
                    sku = item["sku"].strip().upper()
                    unit = _with_markup(Decimal(str(item["unit_price"])), markup)
                    bulk = item.get("bulk_price")
                    bulk = _with_markup(Decimal(str(bulk)), markup) if bulk else None
                    threshold = int(item["bulk_threshold"]) if bulk else None
                except Exception:  # expect: ERR001
                    skipped += 1
                    continue
                cur.execute(
                    "INSERT INTO price_list (sku, unit_price, bulk_price, bulk_threshold, effective, updated_at) "
                    "VALUES (%s, %s, %s, %s, %s, now()) "
                    "ON CONFLICT (sku) DO UPDATE SET unit_price = EXCLUDED.unit_price, "
                    "bulk_price = EXCLUDED.bulk_price, bulk_threshold = EXCLUDED.bulk_threshold, "
                    "effective = EXCLUDED.effective, updated_at = now()",
                    (sku, unit, bulk, threshold, effective),
                )
                conn.commit()  # expect: DB003
                updated += 1

    logger.info("price sync for %s: %d updated, %d skipped", effective, updated, skipped)
    return updated, skipped


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--date", type=dt.date.fromisoformat, default=dt.date.today())
    args = parser.parse_args()

    from lumberyard import create_app

    updated, skipped = sync_prices(create_app(), args.date)
    print(f"price sync {args.date}: {updated} updated, {skipped} skipped")  # ok: OBS001


if __name__ == "__main__":
    main()
