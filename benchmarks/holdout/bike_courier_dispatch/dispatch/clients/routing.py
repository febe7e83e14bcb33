"""Cycling distance and ETA from the routing provider, with a straight-line fallback."""
import logging
import math
from dataclasses import dataclass

import httpx
from cachetools import TTLCache
from tenacity import AsyncRetrying, retry_if_exception_type, stop_after_attempt, wait_exponential_jitter

from ..settings import get_settings

log = logging.getLogger(__name__)
settings = get_settings()

CYCLING_DETOUR = 1.3
FALLBACK_SPEED_KMH = 15.0

_client = httpx.AsyncClient(  # ok: RES001
    base_url=settings.routing_base_url,
    timeout=httpx.Timeout(4.0, connect=2.0),
    limits=httpx.Limits(max_connections=50, max_keepalive_connections=10),
    headers={"Authorization": f"Bearer {settings.routing_api_key.get_secret_value()}"},
)
_cache: TTLCache = TTLCache(maxsize=10_000, ttl=300)  # ok: RES002


class RoutingBusy(Exception):
    """The provider answered 429 or 503."""


@dataclass(frozen=True)
class RouteSummary:
    distance_km: float
    minutes: float


def haversine_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lng1, lat2, lng2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lng2 - lng1) / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h))


def _key(a: tuple[float, float], b: tuple[float, float]) -> tuple[float, ...]:
    return tuple(round(v, 4) for v in (*a, *b))


async def route_summary(origin: tuple[float, float], dest: tuple[float, float]) -> RouteSummary:
    key = _key(origin, dest)
    if (hit := _cache.get(key)) is not None:
        return hit
    async for attempt in AsyncRetrying(  # ok: REL002
        stop=stop_after_attempt(3),
        wait=wait_exponential_jitter(initial=0.2, max=2),
        retry=retry_if_exception_type((httpx.TransportError, RoutingBusy)),
        reraise=True,
    ):
        with attempt:
            resp = await _client.get("/v1/route", params={
                "profile": "cycling",
                "from": f"{origin[0]},{origin[1]}",
                "to": f"{dest[0]},{dest[1]}",
            })
            if resp.status_code in (429, 503):
                raise RoutingBusy(resp.status_code)
            resp.raise_for_status()
    data = resp.json()
    summary = RouteSummary(distance_km=data["distance_m"] / 1000, minutes=data["duration_s"] / 60)
    _cache[key] = summary
    return summary


async def eta_minutes(origin: tuple[float, float], dest: tuple[float, float]) -> float:
    """ETA for the tracking page; degrades to a straight-line estimate if routing is down."""
    try:
        return (await route_summary(origin, dest)).minutes
    except (httpx.HTTPError, RoutingBusy) as exc:
        log.warning("routing unavailable (%s); using straight-line estimate", exc)
        return haversine_km(origin, dest) * CYCLING_DETOUR / FALLBACK_SPEED_KMH * 60


async def aclose() -> None:
    await _client.aclose()
