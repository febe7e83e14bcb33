"""Stock dashboards: per-hospital shelf levels and the national shortage banner."""
import json
import logging
import time

from fastapi import APIRouter, Depends, HTTPException
from pydantic import BaseModel

from . import hospital_feed
from .auth import current_donor
from .db import async_redis
from .models import Donor

log = logging.getLogger(__name__)
router = APIRouter(prefix="/stock", tags=["stock"])

CACHE_SECONDS = 300
LOW_STOCK_UNITS = 20
_hospital_cache: dict[tuple[str, str], tuple[float, dict]] = {}


class HospitalStock(BaseModel):
    hospital_code: str
    levels: dict[str, int]
    low: list[str]


@router.get("/national")
async def national_summary() -> dict:
    raw = await async_redis().get("stock:national")
    if raw is None:
        return {"levels": {}, "low": [], "stale": True}
    totals = json.loads(raw)
    return {
        "levels": totals["levels"],
        "low": sorted(t for t, units in totals["levels"].items() if units < LOW_STOCK_UNITS * 10),
        "updated_at": totals["updated_at"],
        "stale": False,
    }


@router.get("/hospitals/{hospital_code}", response_model=HospitalStock)
async def hospital_stock(
    hospital_code: str, blood_type: str | None = None, donor: Donor = Depends(current_donor)
) -> HospitalStock:
    key = (hospital_code.upper(), blood_type or "*")
    hit = _hospital_cache.get(key)
    if hit and time.monotonic() - hit[0] < CACHE_SECONDS:
        return HospitalStock(**hit[1])

    try:
        levels = hospital_feed.fetch_levels(key[0])  # expect: CON001
    except hospital_feed.HospitalFeedError:
        log.warning("stock feed unavailable for %s", key[0], exc_info=True)
        if hit:
            return HospitalStock(**hit[1])
        raise HTTPException(503, "stock feed unavailable")

    by_type = {lvl.blood_type: lvl.units for lvl in levels if blood_type in (None, lvl.blood_type)}
    body = {
        "hospital_code": key[0],
        "levels": by_type,
        "low": sorted(t for t, units in by_type.items() if units < LOW_STOCK_UNITS),
    }
    _hospital_cache[key] = (time.monotonic(), body)  # expect: RES002
    return HospitalStock(**body)
