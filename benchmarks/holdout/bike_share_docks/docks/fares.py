"""Ride pricing: zone lookup, tariff from the pricing service, fare calculation."""
import logging
import math
import os
import time
from functools import lru_cache

import httpx
from fastapi import APIRouter, HTTPException, Query

logger = logging.getLogger(__name__)
router = APIRouter(prefix="/fares", tags=["fares"])

TARIFF_URL = os.environ.get("TARIFF_SERVICE_URL", "http://tariff.pricing.svc.cluster.local:8080")  # ok: MNT002
TARIFF_TTL_SECONDS = 300

ZONES = {
    "centre": (52.505, 13.365, 52.530, 13.420),
    "inner": (52.480, 13.320, 52.550, 13.470),
}

_tariff: dict | None = None
_fetched_at = 0.0


def current_tariff() -> dict:
    global _tariff, _fetched_at  # expect: MNT002
    if _tariff is None or time.monotonic() - _fetched_at > TARIFF_TTL_SECONDS:
        resp = httpx.get(f"{TARIFF_URL}/v1/tariffs/current")  # ok: REL001
        resp.raise_for_status()
        _tariff = resp.json()
        _fetched_at = time.monotonic()
        logger.info("tariff refreshed version=%s", _tariff.get("version"))
    return _tariff


@lru_cache(maxsize=None)  # expect: RES002
def zone_for(lat: float, lon: float) -> str:
    for name, (min_lat, min_lon, max_lat, max_lon) in ZONES.items():
        if min_lat <= lat <= max_lat and min_lon <= lon <= max_lon:
            return name
    return "outer"


def compute_fare(minutes: int, start_zone: str, end_zone: str, ebike: bool = False) -> int:
    tariff = current_tariff()
    free = tariff.get("free_minutes", 0)
    billable = max(0, minutes - free)
    blocks = math.ceil(billable / tariff["block_minutes"]) if billable else 0
    per_block = tariff["ebike_block_cents"] if ebike else tariff["block_cents"]
    fare = tariff.get("unlock_cents", 0) + blocks * per_block
    if end_zone == "outer" and start_zone != "outer":
        fare += tariff.get("outer_return_cents", 0)
    return min(fare, tariff.get("daily_cap_cents", fare))


@router.get("/quote")
def quote(
    lat: float = Query(..., ge=-90, le=90),
    lon: float = Query(..., ge=-180, le=180),
    minutes: int = Query(30, ge=1, le=24 * 60),
    ebike: bool = False,
):
    try:
        zone = zone_for(lat, lon)
        fare = compute_fare(minutes, zone, zone, ebike=ebike)
    except httpx.HTTPError as exc:
        logger.warning("tariff service unavailable: %s", exc)
        raise HTTPException(503, "pricing temporarily unavailable") from exc
    return {"zone": zone, "minutes": minutes, "ebike": ebike, "fare_cents": fare}
