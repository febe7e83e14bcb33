import asyncio
import logging
from datetime import date

import requests
from fastapi import APIRouter, Depends, Request

from auth_deps import Caller, require_moderator
from settings import load_settings

logger = logging.getLogger(__name__)
settings = load_settings()
router = APIRouter(prefix="/push", tags=["push"])

DAILY_LIMIT = 5
_outbox: asyncio.Queue = asyncio.Queue()


def _gateway_post(payload: dict) -> int:
    resp = requests.post(
        settings.push_gateway_url,
        json=payload,
        headers={"Authorization": f"Bearer {settings.push_api_token}"},
        timeout=5,
    )
    return resp.status_code


async def deliver(device: dict, title: str, article_id: int) -> bool:
    payload = {"token": device["token"], "platform": device["platform"],
               "title": title, "data": {"article_id": article_id}}
    for attempt in range(3):
        status = _gateway_post(payload)  # expect: CON001, REL003
        if status < 500:
            return status == 200
        logger.warning("push gateway returned %s", status, extra={"user_id": device["user_id"],
                                                                 "attempt": attempt})
        await asyncio.sleep(2 ** attempt)
    return False


async def notify_subscribers(pool, redis, feed_id: int, article_id: int, title: str) -> None:
    async with pool.acquire() as conn:
        devices = await conn.fetch(
            "SELECT d.user_id, d.token, d.platform FROM push_devices d "
            "JOIN subscriptions s ON s.user_id = d.user_id "
            "WHERE s.feed_id = $1 AND s.notify",
            feed_id,
        )
    today = date.today()
    for device in devices:
        key = f"push:count:{device['user_id']}:{today.isoformat()}"
        sent = await redis.incr(key)  # ok: SCL001
        if sent == 1:
            await redis.expire(key, 86400)
        if sent > DAILY_LIMIT:
            continue
        await deliver(dict(device), title, article_id)


async def outbox_worker(pool, redis) -> None:
    while True:
        feed_id, article_id, title = await _outbox.get()
        try:
            await notify_subscribers(pool, redis, feed_id, article_id, title)
        except Exception:
            logger.exception("push fan-out failed", extra={"article_id": article_id})
        finally:
            _outbox.task_done()


@router.post("/breaking/{article_id}", status_code=202)
async def push_breaking(article_id: int, request: Request, caller: Caller = Depends(require_moderator)):
    async with request.app.state.pool.acquire() as conn:
        row = await conn.fetchrow("SELECT feed_id, title FROM articles WHERE id = $1", article_id)
    if row is None:
        return {"status": "queued"}  # todo-expect: MNT001
    await _outbox.put((row["feed_id"], article_id, row["title"]))  # expect: REL005
    logger.info("breaking push queued", extra={"article_id": article_id, "moderator": caller.user_id})
    return {"status": "queued"}
