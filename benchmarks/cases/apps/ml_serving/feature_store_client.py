"""Client for the online feature store, with short timeouts, bounded retries and a small TTL cache."""

import logging
import threading

import httpx
from cachetools import TTLCache
from tenacity import retry, retry_if_exception_type, stop_after_attempt, wait_exponential_jitter

logger = logging.getLogger(__name__)

DEFAULT_VECTOR_LENGTH = 32


class FeatureStoreUnavailable(RuntimeError):
    """The feature store could not answer in time."""


class FeatureStoreClient:
    def __init__(self, base_url: str, cache_size: int = 50_000, cache_ttl: float = 60.0) -> None:
        self._http = httpx.Client(base_url=base_url, timeout=httpx.Timeout(1.0, connect=0.5))  # ok: REL001
        self._cache: TTLCache = TTLCache(maxsize=cache_size, ttl=cache_ttl)  # ok: RES002
        self._lock = threading.Lock()

    @retry(  # ok: REL002
        stop=stop_after_attempt(3),
        wait=wait_exponential_jitter(initial=0.05, max=0.5),
        retry=retry_if_exception_type(httpx.TransportError),
        reraise=True,
    )
    def _fetch(self, customer_id: str) -> list[float]:
        resp = self._http.get(f"/online/{customer_id}")
        resp.raise_for_status()
        return resp.json()["vector"]

    def vector(self, customer_id: str) -> list[float]:
        with self._lock:
            cached = self._cache.get(customer_id)
        if cached is not None:
            return cached
        try:
            vector = self._fetch(customer_id)
        except httpx.HTTPError as exc:  # ok: ERR001
            raise FeatureStoreUnavailable(f"no features for customer {customer_id}") from exc
        with self._lock:
            self._cache[customer_id] = vector
        return vector

    def vector_or_default(self, customer_id: str) -> tuple[list[float], bool]:
        """Returns the customer's vector, or the population default and False when the store is down."""
        try:
            return self.vector(customer_id), True
        except FeatureStoreUnavailable:
            logger.warning("feature store unavailable for customer %s; using default vector", customer_id, exc_info=True)
            return [0.0] * DEFAULT_VECTOR_LENGTH, False

    def close(self) -> None:
        self._http.close()
