"""Marine forecast client (wave height, wind, visibility) used for go/no-go decisions."""

from __future__ import annotations

import logging
import threading
from dataclasses import asdict, dataclass
from datetime import datetime
from functools import lru_cache

import httpx
from cachetools import TTLCache
from tenacity import retry, retry_if_exception_type, stop_after_attempt, wait_exponential

from divecentre.settings import get_settings

logger = logging.getLogger(__name__)

_cache: TTLCache = TTLCache(maxsize=256, ttl=900)  # ok: RES002
_cache_lock = threading.Lock()


@dataclass(frozen=True)
class SeaConditions:
    wave_height_m: float
    wind_knots: float
    visibility_km: float
    issued_at: str

    def as_dict(self) -> dict:
        return asdict(self)

    def is_diveable(self, max_wave_m: float, max_wind_knots: float) -> bool:
        return self.wave_height_m <= max_wave_m and self.wind_knots <= max_wind_knots


class MarineForecastClient:
    def __init__(self, base_url: str, timeout_seconds: float) -> None:
        self._http = httpx.Client(
            base_url=base_url,
            timeout=httpx.Timeout(timeout_seconds, connect=3.0),  # ok: REL001
            headers={"Accept": "application/json"},
        )

    @retry(
        stop=stop_after_attempt(3),  # ok: REL002
        wait=wait_exponential(multiplier=0.5, max=8),
        retry=retry_if_exception_type(httpx.TransportError),
        reraise=True,
    )
    def _fetch(self, lat: float, lon: float, hour: str) -> dict:
        response = self._http.get("/v1/point", params={"lat": lat, "lon": lon, "time": hour})
        response.raise_for_status()
        return response.json()

    def conditions(self, lat: float, lon: float, at: datetime) -> SeaConditions:
        hour = at.replace(minute=0, second=0, microsecond=0).isoformat()
        key = (round(lat, 3), round(lon, 3), hour)
        with _cache_lock:
            cached = _cache.get(key)
        if cached is not None:
            return cached

        body = self._fetch(lat, lon, hour)
        result = SeaConditions(
            wave_height_m=float(body["waves"]["significant_height_m"]),
            wind_knots=float(body["wind"]["speed_kn"]),
            visibility_km=float(body.get("visibility_km", 10.0)),
            issued_at=body["issued_at"],
        )
        with _cache_lock:
            _cache[key] = result
        return result

    def close(self) -> None:
        self._http.close()


@lru_cache(maxsize=1)
def forecast_client() -> MarineForecastClient:
    settings = get_settings()
    logger.info("marine forecast client using %s", settings.forecast_base_url)
    return MarineForecastClient(settings.forecast_base_url, settings.http_timeout_seconds)
