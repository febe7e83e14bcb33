"""Pull next week's availability from partner farms' APIs into farm_stock.

Run from cron on Monday mornings: python -m farm_produce_box.farm_availability
"""
import json
import logging
import random
import time
import urllib.error
import urllib.request

from psycopg2.extras import execute_values

from .config import load_settings
from .db import Database
from .weekly_emails import upcoming_week_start

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 4
TIMEOUT_SECONDS = 10
MAX_BACKOFF_SECONDS = 30


def get_json(url, token):
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}", "Accept": "application/json"})
    for attempt in range(1, MAX_ATTEMPTS + 1):  # ok: REL002
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as resp:
                return json.load(resp)
        except urllib.error.HTTPError as exc:
            if exc.code < 500 or attempt == MAX_ATTEMPTS:
                raise
        except (urllib.error.URLError, TimeoutError):
            if attempt == MAX_ATTEMPTS:
                raise
        delay = min(MAX_BACKOFF_SECONDS, 2 ** attempt) + random.uniform(0, 1)
        logger.warning("farm API %s attempt %d failed, retrying in %.1fs", url, attempt, delay)
        time.sleep(delay)
    raise RuntimeError("unreachable")


def sync_farm_availability(db, farms, week_start):
    rows = []
    for farm in farms:
        try:
            payload = get_json(f"{farm.api_url}/availability?week={week_start.isoformat()}", farm.token)
        except (urllib.error.URLError, TimeoutError, ValueError):
            logger.exception("availability sync failed for farm %s week %s", farm.farm_id, week_start)
            continue
        for item in payload.get("products", []):
            rows.append(
                (farm.farm_id, int(item["product_id"]), week_start, int(item["available"]), int(item.get("priority", 100)))
            )
    if not rows:
        return 0
    with db.cursor() as cur:
        execute_values(
            cur,
            "INSERT INTO farm_stock (farm_id, product_id, week_start, available, priority) VALUES %s "
            "ON CONFLICT (farm_id, product_id, week_start) DO UPDATE "
            "SET available = EXCLUDED.available, priority = EXCLUDED.priority "
            "WHERE NOT EXISTS (SELECT 1 FROM allocation_runs r WHERE r.week_start = farm_stock.week_start)",
            rows,
            page_size=500,
        )
    logger.info("synced %d availability rows from %d farms for week %s", len(rows), len(farms), week_start)
    return len(rows)


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    settings = load_settings()
    database = Database(settings.database_dsn, maxconn=2)
    try:
        count = sync_farm_availability(database, settings.farms, upcoming_week_start())
    finally:
        database.close()
    print(f"synced {count} rows")
