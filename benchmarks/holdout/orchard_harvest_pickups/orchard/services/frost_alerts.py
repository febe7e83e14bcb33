"""Async client for FieldWeather's frost alerts, used by the blossom-season banner.

Runs on the event loop: httpx.AsyncClient with explicit timeouts, a small
bounded retry with jittered backoff for 5xx and transport errors, and a
TTL cache bounded in size.
"""
import asyncio
import logging
import random
from dataclasses import dataclass

import httpx
from cachetools import TTLCache

logger = logging.getLogger(__name__)

ATTEMPTS = 3


class FrostServiceUnavailable(Exception):
    pass


@dataclass(frozen=True)
class FrostRisk:
    level: str  # "none" | "watch" | "warning"
    min_temp_c: float
    window: str

    @classmethod
    def from_api(cls, payload: dict) -> "FrostRisk":
        alert = payload.get("alert") or {}
        return cls(
            level=alert.get("level", "none"),
            min_temp_c=float(payload.get("min_temp_c", 0.0)),
            window=alert.get("window", ""),
        )


class FrostAlertClient:
    def __init__(self, base_url: str, api_key: str):
        self._client = httpx.AsyncClient(
            base_url=base_url,
            headers={"X-Api-Key": api_key},
            timeout=httpx.Timeout(5.0, connect=2.0),
        )
        self._cache: TTLCache = TTLCache(maxsize=512, ttl=15 * 60)  # ok: RES002

    async def frost_risk(self, lat: float, lon: float) -> FrostRisk:
        key = (round(lat, 2), round(lon, 2))
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        for attempt in range(1, ATTEMPTS + 1):
            try:
                resp = await self._client.get("/alerts/frost", params={"lat": key[0], "lon": key[1]})
                if resp.status_code < 500:
                    resp.raise_for_status()
                    break
                logger.warning("frost API returned %s (attempt %d)", resp.status_code, attempt)
            except httpx.TransportError as exc:
                logger.warning("frost API unreachable (attempt %d): %s", attempt, exc)
            if attempt == ATTEMPTS:
                raise FrostServiceUnavailable("frost alerts unavailable")
            await asyncio.sleep(0.5 * 2 ** attempt + random.uniform(0, 0.25))  # ok: SEC010
        risk = FrostRisk.from_api(resp.json())
        self._cache[key] = risk
        return risk

    async def aclose(self) -> None:
        await self._client.aclose()
