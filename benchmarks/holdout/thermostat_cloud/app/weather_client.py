"""Outdoor temperature lookups used to tune heating curves."""
import logging
import time
from functools import lru_cache

import requests

from .config import get_settings

logger = logging.getLogger(__name__)

_session = requests.Session()
_session.headers.update({"User-Agent": "thermostat-cloud/3.2"})


class WeatherUnavailable(Exception):
    pass


def _fetch_current(lat: float, lon: float) -> dict:
    settings = get_settings()
    params = {
        "latitude": f"{lat:.3f}",
        "longitude": f"{lon:.3f}",
        "current": "temperature_2m,relative_humidity_2m",
    }
    if settings.weather_api_key.get_secret_value():
        params["apikey"] = settings.weather_api_key.get_secret_value()
    attempt = 0
    while True:  # expect: REL002
        attempt += 1
        try:
            resp = _session.get(settings.weather_api_url, params=params)  # expect: REL001
            resp.raise_for_status()
            return resp.json()["current"]
        except requests.RequestException as exc:
            logger.warning("weather lookup attempt %d failed: %s", attempt, exc)
            time.sleep(1)


@lru_cache(maxsize=None)  # expect: RES002
def _current_for(lat: float, lon: float, hour_bucket: int) -> tuple[float, float]:
    current = _fetch_current(lat, lon)
    return float(current["temperature_2m"]), float(current["relative_humidity_2m"])


def get_outdoor_conditions(lat: float, lon: float) -> tuple[float, float]:
    """Return (temperature_c, humidity_pct) for a location, cached per hour."""
    hour_bucket = int(time.time() // 3600)
    return _current_for(round(lat, 3), round(lon, 3), hour_bucket)


def heating_offset(outdoor_c: float, setpoint_c: float) -> float:
    """Extra degrees of flow temperature to add on cold days."""
    delta = setpoint_c - outdoor_c
    if delta <= 5:
        return 0.0
    return min(round((delta - 5) * 0.6, 1), 12.0)


def describe(outdoor_c: float, humidity: float) -> str:
    if outdoor_c < 0:
        band = "freezing"
    elif outdoor_c < 10:
        band = "cold"
    elif outdoor_c < 20:
        band = "mild"
    else:
        band = "warm"
    return f"{band}, {outdoor_c:.1f}°C, {humidity:.0f}% humidity"


def prewarm(locations: list[tuple[float, float]]) -> int:
    """Fill the cache for a list of locations; used by the worker before peak hours."""
    warmed = 0
    for lat, lon in locations:
        try:
            get_outdoor_conditions(lat, lon)
            warmed += 1
        except WeatherUnavailable:
            logger.info("skipping prewarm for %.3f,%.3f", lat, lon)
    return warmed
