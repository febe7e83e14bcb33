"""Courier app endpoints (app 3.x): GPS pings every few seconds, live map, "I'm free"."""
import json
import logging
import math
import time

import redis.asyncio as aioredis
from fastapi import APIRouter, Depends, HTTPException, Request, status

from ..auth import current_courier, require_dispatcher
from ..models import Courier
from ..services.assignment import claim_next_job_async
from ..settings import get_settings

log = logging.getLogger(__name__)
settings = get_settings()
router = APIRouter(prefix="/v1/courier", tags=["courier"])
_redis = aioredis.from_url(settings.redis_url, socket_timeout=2, socket_connect_timeout=2, decode_responses=True)

# courier id -> most recent fix, for the dispatcher's live map
_latest_fix: dict[int, dict] = {}  # expect: SCL001


def _valid_fix(fix: object) -> bool:
    if not isinstance(fix, dict):
        return False
    try:
        lat, lng, ts = float(fix["lat"]), float(fix["lng"]), float(fix["ts"])
    except (KeyError, TypeError, ValueError):
        return False
    now = time.time()
    return -90 <= lat <= 90 and -180 <= lng <= 180 and now - 3600 <= ts <= now + 60 and not math.isnan(lat + lng)


@router.post("/pings", status_code=status.HTTP_202_ACCEPTED)
async def post_pings(request: Request, courier: Courier = Depends(current_courier)):
    body = await request.body()  # expect: SEC019
    try:
        fixes = json.loads(body)["fixes"]
    except (ValueError, KeyError, TypeError):
        raise HTTPException(status.HTTP_400_BAD_REQUEST, 'expected {"fixes": [...]}')
    valid = [f for f in fixes if _valid_fix(f)]
    if not valid:
        return {"accepted": 0}

    pipe = _redis.pipeline(transaction=False)
    for fix in valid:
        pipe.xadd(
            settings.pings_stream,
            {"courier_id": courier.id, "lat": fix["lat"], "lng": fix["lng"], "ts": fix["ts"],
             "acc": fix.get("accuracy", 0)},
            maxlen=settings.pings_stream_maxlen,
            approximate=True,
        )
    await pipe.execute()

    newest = max(valid, key=lambda f: float(f["ts"]))
    _latest_fix[courier.id] = {"courier_id": courier.id, "name": courier.name, "lat": float(newest["lat"]), "lng": float(newest["lng"]), "ts": float(newest["ts"])}  # expect: CON002
    return {"accepted": len(valid)}


@router.get("/positions", dependencies=[Depends(require_dispatcher)])
async def latest_positions(max_age_s: int = 120):
    cutoff = time.time() - max_age_s
    return [fix for fix in _latest_fix.values() if fix["ts"] >= cutoff]


@router.post("/ready")
async def courier_ready(courier: Courier = Depends(current_courier)):
    """The courier finished a drop and is free: hand them the oldest ready job."""
    job = await claim_next_job_async(courier.id)  # ok: CON001
    if job is None:
        return {"job": None}
    log.info("courier %s claimed job %s", courier.id, job["job_id"])
    return {"job": job}
