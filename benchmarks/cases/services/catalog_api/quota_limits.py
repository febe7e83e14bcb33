"""Per-plan request quotas for the partner catalogue API, counted in Redis."""
import logging
import os
import time

import redis.asyncio as redis
from fastapi import Depends, FastAPI, HTTPException, Request

from .auth import partner_from_key
from .product_listing import router as listing_router

logger = logging.getLogger(__name__)

PLAN_LIMITS = {"free": 60, "standard": 600, "enterprise": 6000}  # ok: SCL001
WINDOW_SECONDS = 60

redis_client = redis.Redis.from_url(
    os.environ.get("REDIS_URL", "redis://localhost:6379/1"),
    socket_timeout=0.5,
    socket_connect_timeout=0.5,
)


async def enforce_quota(request: Request, partner=Depends(partner_from_key)):
    limit = PLAN_LIMITS.get(partner.plan, PLAN_LIMITS["free"])  # ok: CON002
    bucket = int(time.time()) // WINDOW_SECONDS
    key = f"quota:{partner.id}:{bucket}"
    async with redis_client.pipeline(transaction=True) as pipe:
        count, _ = await pipe.incr(key).expire(key, WINDOW_SECONDS * 2).execute()
    request.state.quota_remaining = max(0, limit - count)
    if count > limit:
        logger.info("quota exceeded for partner %s (%s/%s)", partner.id, count, limit)
        raise HTTPException(status_code=429, detail="quota exceeded", headers={"Retry-After": str(WINDOW_SECONDS)})


app = FastAPI(title="Partner Catalogue API")
app.include_router(listing_router, dependencies=[Depends(enforce_quota)])


@app.middleware("http")
async def add_quota_header(request: Request, call_next):
    response = await call_next(request)
    remaining = getattr(request.state, "quota_remaining", None)
    if remaining is not None:
        response.headers["X-Quota-Remaining"] = str(remaining)
    return response


@app.get("/healthz")
async def healthz():
    return {"status": "ok"}
