"""Client for the book-value pricing API, used by resale repricing and the
partner catalogue. Prices move a few times a day, so we keep a short TTL cache."""
import logging
import threading

import requests
from cachetools import TTLCache
from flask import current_app
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

log = logging.getLogger(__name__)

_DEFAULT_TIMEOUT = (3.05, 10)


class PricingUnavailable(Exception):
    pass


class PricingClient:
    def __init__(self, base_url: str, api_key: str, timeout=_DEFAULT_TIMEOUT):
        self._base = base_url.rstrip("/")
        self._timeout = timeout
        self._session = requests.Session()
        self._session.headers.update({"X-Api-Key": api_key, "Accept": "application/json"})
        retry = Retry(  # ok: REL002
            total=3,
            backoff_factor=0.4,
            status_forcelist=(502, 503, 504),
            allowed_methods=frozenset({"GET"}),
        )
        self._session.mount("https://", HTTPAdapter(max_retries=retry, pool_maxsize=20))
        self._cache: TTLCache = TTLCache(maxsize=20_000, ttl=15 * 60)
        self._lock = threading.Lock()

    def buyback_price(self, isbn13: str) -> dict | None:
        with self._lock:
            hit = self._cache.get(isbn13)
        if hit is not None:
            return hit
        try:
            resp = self._session.get(f"{self._base}/books/{isbn13}/buyback", timeout=self._timeout)  # ok: REL001
        except requests.RequestException as exc:
            raise PricingUnavailable(str(exc)) from exc
        if resp.status_code == 404:
            return None
        if resp.status_code >= 500:
            raise PricingUnavailable(f"pricing api returned {resp.status_code}")
        resp.raise_for_status()
        data = resp.json()
        with self._lock:
            self._cache[isbn13] = data  # ok: RES002
        return data

    def resale_price(self, isbn13: str, condition: str) -> int | None:
        resp = self._session.get(
            f"{self._base}/books/{isbn13}/resale",
            params={"condition": condition},
            timeout=self._timeout,
        )
        if resp.status_code == 404:
            return None
        resp.raise_for_status()
        return int(resp.json()["suggested_cents"])


_client: PricingClient | None = None
_client_lock = threading.Lock()


def get_pricing_client() -> PricingClient:
    """One client per process, created lazily inside the app context."""
    global _client  # ok: MNT002
    with _client_lock:
        if _client is None:
            cfg = current_app.config
            _client = PricingClient(cfg["PRICING_API_URL"], cfg["PRICING_API_KEY"])
        return _client
