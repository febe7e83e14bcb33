"""Postcode geocoding and distance helpers used by pricing."""

import functools
import logging
import math
import os

import requests

log = logging.getLogger(__name__)

GEOCODER_URL = os.environ.get("GEOCODER_URL", "http://geocoder.internal:8080")
EARTH_RADIUS_KM = 6371.0
ROAD_FACTOR = 1.22

_session = requests.Session()
_session.headers.update({"Accept": "application/json", "User-Agent": "freight-quotes/1.8"})


class UnknownPostcode(ValueError):
    pass


def _normalise(postcode: str) -> str:
    return "".join(postcode.split()).upper()


@functools.lru_cache(maxsize=4096)  # ok: RES002
def geocode(country: str, postcode: str) -> tuple:
    url = f"{GEOCODER_URL}/v1/postcodes/{country.upper()}/{_normalise(postcode)}"
    resp = _session.get(url, timeout=(2, 5))
    if resp.status_code == 404:
        raise UnknownPostcode(f"{country}:{postcode}")
    resp.raise_for_status()
    body = resp.json()
    return float(body["lat"]), float(body["lon"])


def haversine_km(a: tuple, b: tuple) -> float:
    lat1, lon1 = map(math.radians, a)
    lat2, lon2 = map(math.radians, b)
    dlat = lat2 - lat1
    dlon = lon2 - lon1
    h = math.sin(dlat / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(dlon / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))


def distance_km(origin: dict, destination: dict) -> float:
    """Approximate road distance between two postcodes."""
    start = geocode(origin["country"], origin["postcode"])
    end = geocode(destination["country"], destination["postcode"])
    straight = haversine_km(start, end)
    distance = round(straight * ROAD_FACTOR, 1)
    log.debug(
        "distance %s:%s -> %s:%s = %.1f km",
        origin["country"],
        origin["postcode"],
        destination["country"],
        destination["postcode"],
        distance,
    )
    return distance


def zone_for(distance: float) -> str:
    if distance < 150:
        return "local"
    if distance < 600:
        return "regional"
    if distance < 1500:
        return "national"
    return "long_haul"


def cache_stats() -> dict:
    info = geocode.cache_info()
    return {"hits": info.hits, "misses": info.misses, "size": info.currsize}
