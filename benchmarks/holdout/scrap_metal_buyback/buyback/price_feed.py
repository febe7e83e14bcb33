"""Price feed ingestion (worker) and the shared read path used by the API."""
from __future__ import annotations

import logging
import threading
import time
from decimal import ROUND_DOWN, Decimal

import requests
from psycopg2.extras import execute_values

from buyback.config import settings
from buyback.db import get_conn

log = logging.getLogger(__name__)

UPSERT_SQL = """
    INSERT INTO metal_prices (symbol, spot_cents_per_kg, buy_cents_per_kg, as_of, source)
    VALUES %s
    ON CONFLICT (symbol) DO UPDATE
       SET spot_cents_per_kg = EXCLUDED.spot_cents_per_kg,
           buy_cents_per_kg = EXCLUDED.buy_cents_per_kg,
           as_of = EXCLUDED.as_of,
           source = EXCLUDED.source
     WHERE metal_prices.as_of < EXCLUDED.as_of
"""


def buy_price(spot_cents_per_kg: int, margin_pct: int) -> int:
    margin = Decimal(100 - margin_pct) / 100
    return int((Decimal(spot_cents_per_kg) * margin).quantize(Decimal("1"), rounding=ROUND_DOWN))


def refresh_prices() -> int:
    """Called by the worker's scheduler; writes quotes to Postgres for every replica."""
    stored = 0
    with requests.Session() as http:
        http.verify = settings.feed_ca_bundle  # ok: SEC011
        for feed in settings.price_feeds:
            try:
                resp = http.get(
                    feed["url"], params={"symbols": ",".join(feed["symbols"])}, timeout=(3, 10)
                )
                resp.raise_for_status()
                quotes = resp.json()["quotes"]
            except (requests.RequestException, KeyError, ValueError):
                log.exception("price feed %s unavailable; keeping previous prices", feed["name"])
                continue
            rows = [
                (
                    q["symbol"],
                    q["cents_per_kg"],
                    buy_price(q["cents_per_kg"], settings.price_margin_pct),
                    q["timestamp"],
                    feed["name"],
                )
                for q in quotes
            ]
            with get_conn() as conn, conn.cursor() as cur:
                execute_values(cur, UPSERT_SQL, rows)
                conn.commit()
            stored += len(rows)
    return stored


class _BoardCache:
    """Short-lived per-process copy of metal_prices; stale by at most ttl seconds."""

    def __init__(self, ttl: float) -> None:
        self._ttl = ttl
        self._lock = threading.Lock()
        self._rows: dict[str, dict] = {}
        self._loaded_at = 0.0

    def get(self) -> dict[str, dict]:
        with self._lock:
            if time.monotonic() - self._loaded_at < self._ttl:
                return self._rows
        with get_conn() as conn, conn.cursor() as cur:
            cur.execute(
                "SELECT symbol, spot_cents_per_kg, buy_cents_per_kg, as_of FROM metal_prices"
            )
            rows = {r["symbol"]: dict(r) for r in cur.fetchall()}
        with self._lock:
            self._rows = rows  # ok: CON002
            self._loaded_at = time.monotonic()
        return rows


board_cache = _BoardCache(ttl=30)
