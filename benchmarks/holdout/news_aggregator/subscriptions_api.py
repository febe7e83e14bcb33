import logging

from fastapi import APIRouter, Depends, HTTPException, Request
from pydantic import BaseModel, Field, HttpUrl

from auth_deps import Caller, current_caller

logger = logging.getLogger(__name__)
router = APIRouter(prefix="/subscriptions", tags=["subscriptions"])

MAX_SUBSCRIPTIONS = 300


class SubscribeIn(BaseModel):
    feed_url: HttpUrl
    notify: bool = False


class DeviceIn(BaseModel):
    token: str = Field(..., min_length=20, max_length=400)
    platform: str = Field(..., pattern="^(ios|android|web)$")


@router.get("")
async def list_subscriptions(request: Request, caller: Caller = Depends(current_caller)):
    async with request.app.state.pool.acquire() as conn:
        rows = await conn.fetch(
            "SELECT f.id, f.title, f.url, s.notify FROM subscriptions s "
            "JOIN feeds f ON f.id = s.feed_id WHERE s.user_id = $1 "  # ok: DB001
            "ORDER BY f.title LIMIT $2",
            caller.user_id, MAX_SUBSCRIPTIONS,  # ok: DB002
        )
    return {"items": [dict(r) for r in rows]}


@router.post("", status_code=201)
async def subscribe(body: SubscribeIn, request: Request, caller: Caller = Depends(current_caller)):
    async with request.app.state.pool.acquire() as conn:
        async with conn.transaction():
            feed_id = await conn.fetchval(
                "INSERT INTO feeds (url, active) VALUES ($1, true) "
                "ON CONFLICT (url) DO UPDATE SET active = true RETURNING id",  # ok: DB005
                str(body.feed_url),
            )
            inserted = await conn.fetchval(
                "INSERT INTO subscriptions (user_id, feed_id, notify) VALUES ($1, $2, $3) "
                "ON CONFLICT (user_id, feed_id) DO NOTHING RETURNING feed_id",
                caller.user_id, feed_id, body.notify,
            )
    logger.info("subscribed", extra={"user_id": caller.user_id, "feed_id": feed_id,
                                     "new": inserted is not None})
    return {"feed_id": feed_id, "created": inserted is not None}


@router.delete("/{feed_id}", status_code=204)
async def unsubscribe(feed_id: int, request: Request, caller: Caller = Depends(current_caller)):
    async with request.app.state.pool.acquire() as conn:
        result = await conn.execute(
            "DELETE FROM subscriptions WHERE user_id = $1 AND feed_id = $2",  # ok: SEC018
            caller.user_id, feed_id,
        )
    if result == "DELETE 0":
        raise HTTPException(status_code=404, detail={"code": "not_found", "message": "not subscribed"})


@router.put("/devices")
async def register_device(body: DeviceIn, request: Request, caller: Caller = Depends(current_caller)):
    async with request.app.state.pool.acquire() as conn:
        await conn.execute(
            "INSERT INTO push_devices (user_id, token, platform) VALUES ($1, $2, $3) "
            "ON CONFLICT (token) DO UPDATE SET user_id = EXCLUDED.user_id, platform = EXCLUDED.platform",
            caller.user_id, body.token, body.platform,
        )
    logger.info("device registered", extra={"user_id": caller.user_id, "platform": body.platform,
                                            "token_len": len(body.token)})  # ok: SEC007
    return {"status": "registered"}
