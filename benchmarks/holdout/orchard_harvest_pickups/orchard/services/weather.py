"""Client for FieldWeather's daily forecast API, with a Redis cache.

Forecasts change a few times a day, so each (point, day) is cached for 30
minutes in Redis, shared by all replicas.
"""
import datetime as dt
import logging
import pickle
from dataclasses import dataclass
from functools import lru_cache

import redis
import requests

from ..config import get_settings
from ..db import get_redis

logger = logging.getLogger(__name__)
CACHE_SECONDS = 30 * 60


@dataclass(frozen=True)
class DailyForecast:
    day: dt.date
    high_c: float
    low_c: float
    rain_mm: float
    rain_chance_pct: int
    wind_kph: float


class WeatherClient:
    def __init__(self, base_url: str, api_key: str, cache: redis.Redis):
        self.base_url = base_url.rstrip("/")
        self.cache = cache
        self.session = requests.Session()
        self.session.params = {"key": api_key, "units": "metric"}

    def daily_forecast(self, lat: float, lon: float, day: dt.date) -> DailyForecast:
        cache_key = f"orchard:wx:{lat:.2f}:{lon:.2f}:{day.isoformat()}"
        cached = self.cache.get(cache_key)
        if cached is not None:
            return pickle.loads(cached)  # expect: SEC004

        resp = self.session.get(  # expect: REL001
            f"{self.base_url}/forecast/daily",
            params={"lat": f"{lat:.4f}", "lon": f"{lon:.4f}", "date": day.isoformat()},
        )
        logger.debug("weather API %s -> %s", resp.url, resp.status_code)  # expect: SEC007
        resp.raise_for_status()
        data = resp.json()["daily"][0]
        forecast = DailyForecast(
            day=day,
            high_c=float(data["temp_max"]),
            low_c=float(data["temp_min"]),
            rain_mm=float(data.get("precip_mm", 0.0)),
            rain_chance_pct=int(data.get("precip_prob", 0)),
            wind_kph=float(data.get("wind_kph", 0.0)),
        )
        self.cache.setex(cache_key, CACHE_SECONDS, pickle.dumps(forecast))
        return forecast


@lru_cache(maxsize=1)
def weather_client() -> WeatherClient:
    settings = get_settings()
    return WeatherClient(settings.weather_api_url, settings.weather_api_key.get_secret_value(), get_redis())


def picking_score(forecast: DailyForecast) -> int:
    """0-100: how pleasant a day it is to pick, shown next to each day."""
    score = 100
    score -= min(forecast.rain_chance_pct, 80)
    score -= int(max(forecast.high_c - 30, 0) * 5)
    score -= int(max(10 - forecast.high_c, 0) * 4)
    score -= int(max(forecast.wind_kph - 30, 0))
    return max(score, 0)
