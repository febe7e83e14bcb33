"""Wind and precipitation checks before launch, with a short-lived in-process cache."""
import logging
import threading

import requests
from cachetools import TTLCache
from flask import current_app
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

logger = logging.getLogger(__name__)

MAX_WIND_MPS = 10.0
MAX_GUST_MPS = 14.0
MAX_PRECIP_MM_H = 2.0

_cache: TTLCache = TTLCache(maxsize=2048, ttl=300)  # ok: RES002, SCL001
_cache_lock = threading.Lock()

_session = requests.Session()
_session.mount(
    "https://",
    HTTPAdapter(
        max_retries=Retry(total=3, backoff_factor=0.5, status_forcelist=(502, 503, 504), allowed_methods=frozenset({"GET"}))
    ),
)


def current_conditions(lat: float, lon: float) -> dict:
    key = (round(lat, 2), round(lon, 2))
    with _cache_lock:
        cached = _cache.get(key)
    if cached is not None:
        return cached
    resp = _session.get(
        f"{current_app.config['WEATHER_API_URL']}/conditions",
        params={"lat": key[0], "lon": key[1]},
        headers={"X-Api-Key": current_app.config["WEATHER_API_KEY"]},
        timeout=(3, 5),
    )
    resp.raise_for_status()
    body = resp.json()
    conditions = {
        "wind_mps": float(body["wind"]["speed"]),
        "gust_mps": float(body["wind"].get("gust", body["wind"]["speed"])),
        "precip_mm_h": float(body.get("precipitation", {}).get("rate", 0.0)),
    }
    with _cache_lock:
        _cache[key] = conditions  # ok: CON002
    return conditions


def launch_allowed(lat: float, lon: float) -> tuple[bool, str]:
    """Fail closed: without weather data no drone is launched."""
    try:
        c = current_conditions(lat, lon)
    except (requests.RequestException, KeyError, ValueError):  # ok: ERR001
        logger.warning("weather unavailable for %.3f,%.3f; holding launch", lat, lon, exc_info=True)
        return False, "weather data unavailable"
    if c["wind_mps"] > MAX_WIND_MPS or c["gust_mps"] > MAX_GUST_MPS:
        return False, "wind"
    if c["precip_mm_h"] > MAX_PRECIP_MM_H:
        return False, "precipitation"
    return True, "ok"
