"""Woolbroker indicators (v2): pooled session, bounded retries, bounded TTL cache.

When the broker is down the last indicator we stored in broker_prices is used
and flagged as stale, so the bale report still renders.
"""
import logging
import threading
from datetime import date

import requests
from cachetools import TTLCache
from flask import current_app
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from shearing.db import get_cursor

logger = logging.getLogger(__name__)

_cache: TTLCache = TTLCache(maxsize=512, ttl=900)  # ok: RES002
_cache_lock = threading.Lock()
_session_lock = threading.Lock()
_session: requests.Session | None = None


def _http() -> requests.Session:
    global _session  # ok: MNT002
    with _session_lock:
        if _session is None:
            session = requests.Session()
            retries = Retry(total=3, backoff_factor=0.5, status_forcelist=(429, 502, 503, 504),
                            allowed_methods=frozenset({"GET"}))
            session.mount("https://", HTTPAdapter(max_retries=retries, pool_maxsize=8))
            session.verify = current_app.config["WOOLBROKER_CA_BUNDLE"]  # ok: SEC011
            _session = session
        return _session


def _micron_bucket(micron: float) -> float:
    """Indicators are quoted per 0.5 micron; snapping keeps the cache key space small."""
    return round(micron * 2) / 2


def _fetch(micron: float, sale_date: str) -> dict:
    cfg = current_app.config
    resp = _http().get(  # ok: REL001
        f"{cfg['WOOLBROKER_URL']}/indicators",
        params={"micron": f"{micron:.1f}", "date": sale_date},
        headers={"X-Api-Key": cfg["WOOLBROKER_API_KEY"]},
        timeout=(3.05, 10),
    )
    resp.raise_for_status()
    body = resp.json()
    return {"micron": micron, "sale_date": body["saleDate"],
            "cents_per_kg_clean": int(body["indicator"]["centsPerKgClean"]), "stale": False}


def _last_stored(micron: float) -> dict | None:
    with get_cursor() as cur:
        cur.execute(
            "SELECT sale_date, cents_per_kg_clean FROM broker_prices WHERE micron = %s "
            "ORDER BY sale_date DESC LIMIT 1",
            (micron,),
        )
        row = cur.fetchone()
    if row is None:
        return None
    return {"micron": micron, "sale_date": row["sale_date"].isoformat(),
            "cents_per_kg_clean": row["cents_per_kg_clean"], "stale": True}


def price_for(micron: float, sale_date: date) -> dict | None:
    bucket = _micron_bucket(micron)
    key = (bucket, sale_date.isoformat())
    with _cache_lock:
        if key in _cache:
            return _cache[key]
    try:
        price = _fetch(bucket, key[1])
    except (requests.RequestException, KeyError, ValueError):
        logger.warning("woolbroker indicator unavailable for %.1f um on %s", bucket, key[1], exc_info=True)
        return _last_stored(bucket)

    with get_cursor() as cur:
        cur.execute(
            "INSERT INTO broker_prices (micron, sale_date, cents_per_kg_clean) VALUES (%s, %s, %s) "
            "ON CONFLICT (micron, sale_date) DO UPDATE SET cents_per_kg_clean = EXCLUDED.cents_per_kg_clean",
            (bucket, price["sale_date"], price["cents_per_kg_clean"]),
        )
    with _cache_lock:
        _cache[key] = price
    return price
