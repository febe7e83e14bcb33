"""Client for the road-surface forecast feed (surface temperature, frost risk per depot)."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime

import aiohttp

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class SurfaceForecast:
    depot_code: str
    issued_at: datetime
    min_surface_temp_c: float
    frost_risk: str
    hours_below_zero: int

    @property
    def needs_treatment(self) -> bool:
        return self.frost_risk in {"high", "certain"} or self.min_surface_temp_c <= 0.5


class WeatherFeed:
    def __init__(self, base_url: str, api_key: str) -> None:
        self._base_url = base_url
        self._api_key = api_key
        self._session: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> "WeatherFeed":
        self._session = aiohttp.ClientSession(
            base_url=self._base_url,
            headers={"X-Api-Key": self._api_key},
            timeout=aiohttp.ClientTimeout(total=None, sock_connect=10),  # expect: REL001
        )
        return self

    async def __aexit__(self, *exc_info) -> None:
        if self._session is not None:
            await self._session.close()

    async def _get_json(self, path: str, params: dict | None = None) -> dict:
        while True:  # expect: REL002
            try:
                async with self._session.get(path, params=params) as resp:
                    if resp.status in (429, 503):
                        logger.warning("weather feed busy (%s) on %s", resp.status, path)
                        await asyncio.sleep(2)
                        continue
                    resp.raise_for_status()
                    return await resp.json()
            except aiohttp.ClientConnectionError:
                logger.warning("weather feed unreachable, retrying %s", path)
                await asyncio.sleep(2)

    async def surface_forecast(self, depot_code: str) -> SurfaceForecast:
        body = await self._get_json(f"/v2/road-surface/{depot_code}", params={"hours": 24})
        return SurfaceForecast(
            depot_code=depot_code,
            issued_at=datetime.fromisoformat(body["issued_at"]),
            min_surface_temp_c=float(body["min_surface_temp_c"]),
            frost_risk=str(body["frost_risk"]).lower(),
            hours_below_zero=int(body.get("hours_below_zero", 0)),
        )

    async def forecasts_for(self, depot_codes: list[str]) -> list[SurfaceForecast]:
        results = await asyncio.gather(
            *(self.surface_forecast(code) for code in depot_codes), return_exceptions=True
        )
        forecasts = []
        for code, result in zip(depot_codes, results):
            if isinstance(result, Exception):
                logger.error("no forecast for depot %s", code, exc_info=result)
                continue
            forecasts.append(result)
        return forecasts
