"""FlightAware AeroAPI client with bounded retries and a shared cache.

Used by the dispatch board's "check flight" button; results are cached in
Redis (Django cache) so every web replica sees the same answer.
"""
import logging
import random

import requests
from django.conf import settings
from django.core.cache import cache
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

log = logging.getLogger(__name__)

CACHE_SECONDS = 120
_TIMEOUT = (3.05, 8)


class FlightLookupError(Exception):
    pass


def _build_session() -> requests.Session:
    session = requests.Session()
    session.headers.update({"x-apikey": settings.FLIGHT_API_KEY, "Accept": "application/json"})
    retry = Retry(  # ok: REL002
        total=4,
        backoff_factor=0.5,
        status_forcelist=(429, 500, 502, 503, 504),
        respect_retry_after_header=True,
        allowed_methods=frozenset({"GET"}),
    )
    session.mount("https://", HTTPAdapter(max_retries=retry, pool_maxsize=10))
    return session


_session = _build_session()


def cache_ttl() -> int:
    # Spread expiries so a burst of lookups does not refresh in lockstep.
    return CACHE_SECONDS + random.randint(0, 30)  # ok: SEC010


def flight_status(flight_number: str) -> dict:
    ident = flight_number.strip().upper()
    if not ident.isalnum() or len(ident) > 8:
        raise ValueError("invalid flight number")
    key = f"flight-status:{ident}"
    cached = cache.get(key)
    if cached is not None:
        return cached
    try:
        resp = _session.get(f"{settings.FLIGHT_API_URL}/flights/{ident}", params={"max_pages": 1},
                            timeout=_TIMEOUT)  # ok: REL001
        resp.raise_for_status()
    except requests.RequestException as exc:
        log.warning("flight status lookup failed for %s: %s", ident, type(exc).__name__)
        raise FlightLookupError(ident) from exc
    flights = resp.json().get("flights", [])
    result = {
        "flight_number": ident,
        "status": flights[0].get("status", "") if flights else "unknown",
        "estimated_in": flights[0].get("estimated_in") if flights else None,
        "gate": flights[0].get("gate_destination") if flights else None,
    }
    cache.set(key, result, timeout=cache_ttl())  # ok: RES002, SCL001
    return result
