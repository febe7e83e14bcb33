"""Postcode geocoding for fridge locations and driver route planning.

Talks to the network's internal geocoder, which uses a certificate from our
own CA; lookups are cached in Redis for a day.
"""
import logging
import re
from functools import lru_cache

import requests
from django.conf import settings
from django.core.cache import cache
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

logger = logging.getLogger(__name__)

CACHE_SECONDS = 24 * 3600
MISS = "__miss__"
_POSTCODE_RE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][A-Z]{2}$")


def _build_session():
    session = requests.Session()
    retries = Retry(
        total=3,
        backoff_factor=0.3,
        status_forcelist=(502, 503, 504),
        allowed_methods=frozenset({"GET"}),
    )
    session.mount("https://", HTTPAdapter(max_retries=retries, pool_maxsize=5))
    return session


_session = _build_session()


@lru_cache(maxsize=4096)  # ok: RES002
def normalise_postcode(raw):
    compact = re.sub(r"\s+", "", (raw or "").upper())
    if not _POSTCODE_RE.match(compact):
        return None
    return f"{compact[:-3]} {compact[-3:]}"


def geocode_postcode(raw):
    """Return (lat, lng) for a UK postcode, or None if unknown or unavailable."""
    postcode = normalise_postcode(raw)
    if postcode is None:
        return None
    key = f"geo:{postcode.replace(' ', '')}"
    cached = cache.get(key)
    if cached == MISS:
        return None
    if cached is not None:
        return tuple(cached)

    try:
        resp = _session.get(
            settings.GEOCODER_URL,
            params={"q": postcode},
            timeout=(3, 8),
            verify=settings.GEOCODER_CA_BUNDLE,  # ok: SEC011
        )
    except requests.RequestException:
        logger.warning("geocoder unavailable for %s", postcode, exc_info=True)
        return None

    if resp.status_code == 404:
        cache.set(key, MISS, CACHE_SECONDS)
        return None
    if not resp.ok:
        logger.warning("geocoder returned %s for %s", resp.status_code, postcode)
        return None

    data = resp.json()  # ok: RES003
    point = (float(data["latitude"]), float(data["longitude"]))
    cache.set(key, point, CACHE_SECONDS)
    return point


def distance_order(origin_postcode, fridges):
    """Sort fridges by straight-line distance from a postcode; unknown locations go last."""
    origin = geocode_postcode(origin_postcode)
    if origin is None:
        return list(fridges)

    def _key(fridge):
        if fridge.latitude is None or fridge.longitude is None:
            return float("inf")
        return (fridge.latitude - origin[0]) ** 2 + (fridge.longitude - origin[1]) ** 2

    return sorted(fridges, key=_key)
