"""River-level feed (v2): shared aiohttp session, bounded retries, cached fallback.

The session is created once in the app lifespan (or the safety worker) and
passed in; this module never opens its own.
"""
import asyncio
import csv
import io
import json
import logging
import random
from dataclasses import asdict, dataclass
from datetime import datetime

import aiohttp

logger = logging.getLogger(__name__)

ATTEMPTS = 3
CACHE_TTL_S = 6 * 3600


class GaugeUnavailable(Exception):
    """Neither the partner API nor the cache has a reading."""


@dataclass(frozen=True)
class Reading:
    station_id: str
    metres: float
    taken_at: str
    stale: bool = False


def _parse_forecast_csv(text: str) -> list[tuple[str, float]]:
    return [(row["dateTime"], float(row["value"])) for row in csv.DictReader(io.StringIO(text))]


class GaugeFeed:
    def __init__(self, http: aiohttp.ClientSession, redis, settings):
        self._http = http
        self._redis = redis
        self._base = settings.river_api_base.rstrip("/")
        key = settings.river_api_key.get_secret_value()
        self._headers = {"X-Api-Key": key} if key else {}
        self._timeout = aiohttp.ClientTimeout(total=8, connect=3)

    async def _get(self, path: str, **params) -> bytes:
        for attempt in range(1, ATTEMPTS + 1):
            try:
                async with self._http.get(
                    f"{self._base}{path}", params=params, headers=self._headers, timeout=self._timeout
                ) as resp:
                    resp.raise_for_status()
                    return await resp.read()
            except (aiohttp.ClientError, asyncio.TimeoutError):
                if attempt == ATTEMPTS:
                    raise
                delay = 0.5 * 2 ** (attempt - 1) + random.uniform(0, 0.25)  # ok: SEC010
                logger.warning("gauge API %s failed (attempt %d), retrying in %.1fs", path, attempt, delay)
                await asyncio.sleep(delay)
        raise AssertionError("unreachable")

    async def latest(self, station_id: str) -> Reading:
        cache_key = f"rowing:gauge:{station_id}"
        try:
            body = await self._get(f"/stations/{station_id}/readings/latest")
            item = json.loads(body)["items"][0]
            reading = Reading(station_id, float(item["value"]), item["dateTime"])
        except (aiohttp.ClientError, asyncio.TimeoutError, KeyError, ValueError):
            logger.warning("gauge feed down for %s, falling back to cache", station_id, exc_info=True)
            cached = await self._redis.get(cache_key)
            if cached is None:
                raise GaugeUnavailable(station_id) from None
            return Reading(**{**json.loads(cached), "stale": True})
        await self._redis.set(cache_key, json.dumps(asdict(reading)), ex=CACHE_TTL_S)
        return reading

    async def forecast(self, station_id: str, hours: int = 24) -> list[tuple[str, float]]:
        body = await self._get(f"/stations/{station_id}/forecast.csv", hours=str(min(hours, 72)))
        return await asyncio.to_thread(_parse_forecast_csv, body.decode("utf-8"))  # ok: CON001

    @staticmethod
    def age_minutes(reading: Reading) -> float:
        taken = datetime.fromisoformat(reading.taken_at)
        return (datetime.now(taken.tzinfo) - taken).total_seconds() / 60
