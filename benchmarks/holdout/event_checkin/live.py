"""Live check-in counts pushed to the operations dashboard over a websocket."""
from __future__ import annotations

import asyncio
import logging

import redis.asyncio as aioredis
from fastapi import APIRouter, HTTPException, WebSocket, WebSocketDisconnect, status
from sqlalchemy import select

from models import AsyncSessionLocal, Event
from security import decode_staff_token
from settings import get_settings

logger = logging.getLogger(__name__)
router = APIRouter(tags=["live"])

_HEARTBEAT_S = 20.0


def _redis() -> aioredis.Redis:
    settings = get_settings()
    return aioredis.from_url(
        str(settings.redis_url),
        socket_timeout=settings.redis_socket_timeout,
        decode_responses=True,
    )


async def _initial_counts(event_id: int) -> dict:
    async with AsyncSessionLocal() as session:
        row = (
            await session.execute(
                select(Event.checked_in, Event.inside, Event.capacity).where(Event.id == event_id)
            )
        ).one_or_none()
    if row is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "unknown event")
    return {"checked_in": row.checked_in, "inside": row.inside, "capacity": row.capacity}


@router.websocket("/ws/events/{event_id}/counts")
async def live_counts(websocket: WebSocket, event_id: int) -> None:
    token = websocket.query_params.get("token", "")
    try:
        claims = await asyncio.to_thread(decode_staff_token, token)
    except HTTPException:
        await websocket.close(code=status.WS_1008_POLICY_VIOLATION)
        return
    if event_id not in claims.get("events", []):
        await websocket.close(code=status.WS_1008_POLICY_VIOLATION)
        return

    await websocket.accept()
    client = _redis()
    pubsub = client.pubsub()
    channel = f"{get_settings().live_count_channel_prefix}:{event_id}"
    try:
        await websocket.send_json({"type": "snapshot", **(await _initial_counts(event_id))})
        await pubsub.subscribe(channel)
        while True:
            message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=_HEARTBEAT_S)
            if message is None:
                await websocket.send_json({"type": "heartbeat"})
                continue
            await websocket.send_json({"type": "checked_in", "value": int(message["data"])})
    except WebSocketDisconnect:
        logger.info("dashboard disconnected event=%s user=%s", event_id, claims.get("sub"))
    except aioredis.RedisError:
        logger.exception("live count stream failed event=%s", event_id)
        await websocket.close(code=status.WS_1011_INTERNAL_ERROR)
    finally:
        await pubsub.unsubscribe(channel)
        await pubsub.aclose()
        await client.aclose()
