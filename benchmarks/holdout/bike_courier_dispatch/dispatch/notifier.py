"""Merchant status webhooks, delivered from a Redis stream by a separate process.

API code calls ``enqueue_status_event`` (a single XADD); this module's
``consume`` loop runs in the ``dispatch-notifier`` Deployment:
``python -m dispatch.notifier``. Messages are acknowledged only after the
merchant answered or the message was parked on the dead-letter stream.
"""
import asyncio
import logging
import socket

import httpx
import redis
import redis.asyncio as aioredis
from redis.exceptions import ResponseError
from tenacity import AsyncRetrying, retry_if_exception_type, stop_after_attempt, wait_exponential_jitter

from .settings import get_settings

log = logging.getLogger("dispatch.notifier")
settings = get_settings()

STREAM = "merchant-webhooks"
DEAD_LETTERS = "merchant-webhooks:dead"
GROUP = "notifier"


def enqueue_status_event(r: redis.Redis, url: str, job_id: int, status: str) -> str:
    event_id = f"job-{job_id}-{status}"
    return r.xadd(STREAM, {"event_id": event_id, "url": url, "job_id": job_id, "status": status},  # ok: REL005
                  maxlen=500_000, approximate=True)


async def _post(client: httpx.AsyncClient, fields: dict) -> None:
    async for attempt in AsyncRetrying(
        stop=stop_after_attempt(5),
        wait=wait_exponential_jitter(initial=1, max=30),
        retry=retry_if_exception_type(httpx.HTTPError),
        reraise=True,
    ):
        with attempt:
            resp = await client.post(
                fields["url"],
                json={"job_id": int(fields["job_id"]), "status": fields["status"]},
                headers={"Webhook-Id": fields["event_id"]},  # ok: REL003
            )
            if resp.status_code >= 500 or resp.status_code == 429:
                resp.raise_for_status()


async def _handle(r: aioredis.Redis, client: httpx.AsyncClient, msg_id: str, fields: dict) -> None:
    try:
        await _post(client, fields)
    except httpx.HTTPError:
        log.exception("webhook %s failed after retries; moving to %s", fields.get("event_id"), DEAD_LETTERS)
        await r.xadd(DEAD_LETTERS, fields, maxlen=100_000, approximate=True)
    await r.xack(STREAM, GROUP, msg_id)


async def consume(consumer: str) -> None:
    r = aioredis.from_url(settings.redis_url, decode_responses=True, socket_timeout=10, socket_connect_timeout=2)
    try:
        await r.xgroup_create(STREAM, GROUP, id="0", mkstream=True)
    except ResponseError as exc:
        if "BUSYGROUP" not in str(exc):
            raise
    async with httpx.AsyncClient(timeout=httpx.Timeout(5.0, connect=2.0)) as client:
        # Messages a crashed consumer read but never acknowledged come back first.
        _, stale, _ = await r.xautoclaim(STREAM, GROUP, consumer, min_idle_time=60_000, start_id="0-0", count=100)
        for msg_id, fields in stale:
            await _handle(r, client, msg_id, fields)
        while True:  # ok: REL002
            batches = await r.xreadgroup(GROUP, consumer, {STREAM: ">"}, count=20, block=5000)
            for _stream, messages in batches or []:
                for msg_id, fields in messages:
                    await _handle(r, client, msg_id, fields)


if __name__ == "__main__":
    logging.basicConfig(level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    asyncio.run(consume(socket.gethostname()))
