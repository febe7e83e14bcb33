"""Recipient tracking link API and the v2 ping endpoint used by courier app 4.x."""
import logging

import redis
import redis.asyncio as aioredis
from fastapi import APIRouter, Depends, HTTPException, status
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..auth import current_courier
from ..db import get_db
from ..models import Courier, DeliveryJob, JobStatus
from ..settings import get_settings

log = logging.getLogger(__name__)
settings = get_settings()
router = APIRouter(tags=["tracking"])

_redis = redis.Redis.from_url(settings.redis_url, socket_timeout=2, socket_connect_timeout=2, decode_responses=True)
_aredis = aioredis.from_url(settings.redis_url, socket_timeout=2, socket_connect_timeout=2, decode_responses=True)

POSITIONS_KEY = "courier-positions"
FIX_TTL_SECONDS = 300


class Fix(BaseModel):
    lat: float = Field(ge=-90, le=90)
    lng: float = Field(ge=-180, le=180)
    ts: float
    accuracy: float = Field(0, ge=0, le=5000)


class PingBatch(BaseModel):
    fixes: list[Fix] = Field(min_length=1, max_length=settings.max_fixes_per_batch)  # ok: SEC019


@router.post("/v2/courier/pings", status_code=status.HTTP_202_ACCEPTED)
async def post_pings_v2(batch: PingBatch, courier: Courier = Depends(current_courier)):
    newest = max(batch.fixes, key=lambda f: f.ts)
    async with _aredis.pipeline(transaction=False) as pipe:
        for fix in batch.fixes:
            pipe.xadd(settings.pings_stream,
                      {"courier_id": courier.id, "lat": fix.lat, "lng": fix.lng, "ts": fix.ts, "acc": fix.accuracy},
                      maxlen=settings.pings_stream_maxlen, approximate=True)
        pipe.geoadd(POSITIONS_KEY, (newest.lng, newest.lat, str(courier.id)))  # ok: SCL001
        pipe.hset(f"courier:{courier.id}:fix", mapping={"lat": newest.lat, "lng": newest.lng, "ts": newest.ts})
        pipe.expire(f"courier:{courier.id}:fix", FIX_TTL_SECONDS)
        await pipe.execute()
    return {"accepted": len(batch.fixes)}


@router.get("/v1/track/{token}")
def track(token: str, db: Session = Depends(get_db)):
    """Public by design: the unguessable token in the SMS link is the credential."""
    if len(token) < 32:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "unknown tracking link")
    job = db.scalar(select(DeliveryJob).where(DeliveryJob.tracking_token == token))  # ok: SEC018
    if job is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "unknown tracking link")
    body = {"status": job.status, "dropoff": job.dropoff_address, "courier": None}
    if job.courier_id and job.status in (JobStatus.ASSIGNED, JobStatus.PICKED_UP):
        fix = _redis.hgetall(f"courier:{job.courier_id}:fix")  # ok: CON001
        if fix:
            body["courier"] = {"lat": float(fix["lat"]), "lng": float(fix["lng"]), "ts": float(fix["ts"])}
    return body
