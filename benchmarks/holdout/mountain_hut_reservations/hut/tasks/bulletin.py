"""Background refresh of avalanche bulletins into Redis.

Every web worker runs this loop; a short Redis lock makes sure only one of
them fetches per cycle, the others just sleep.
"""
import asyncio
import datetime
import json
import logging
import random

import aiohttp
import redis.asyncio as aioredis

from ..clients.avalanche import parse_bulletin
from ..config import Config

logger = logging.getLogger(__name__)

REFRESH_SECONDS = 20 * 60
LOCK_KEY = "lock:bulletin-refresh"
FETCH_ATTEMPTS = 3


async def _fetch_region(http: aiohttp.ClientSession, base_url: str, region: str) -> dict | None:
    url = f"{base_url.rstrip('/')}/{datetime.date.today().isoformat()}/{region}_CAAMLv6.json"
    for attempt in range(1, FETCH_ATTEMPTS + 1):
        try:
            async with http.get(url) as response:
                if response.status == 404:
                    return None
                response.raise_for_status()
                return await response.json(content_type=None)
        except (aiohttp.ClientError, asyncio.TimeoutError):
            logger.warning("bulletin fetch failed region=%s attempt=%s", region, attempt, exc_info=True)
            await asyncio.sleep(2 ** attempt + random.uniform(0, 1))
    return None


async def refresh_once(config: Config, redis: aioredis.Redis, http: aiohttp.ClientSession) -> int:
    stored = 0
    for region in config.bulletin_regions:
        payload = await _fetch_region(http, config.bulletin_url, region)
        bulletin = parse_bulletin(region, payload) if payload else None
        if bulletin is None:
            continue
        record = {
            "region": bulletin.region,
            "danger_level": bulletin.danger_level,
            "danger_label": bulletin.danger_label,
            "problems": bulletin.problems,
            "valid_until": bulletin.valid_until.isoformat() if bulletin.valid_until else None,
        }
        await redis.set(f"bulletin:{region}", json.dumps(record), ex=REFRESH_SECONDS * 3)
        stored += 1
    return stored


async def latest_bulletin(redis: aioredis.Redis, region: str) -> dict | None:
    raw = await redis.get(f"bulletin:{region}")
    return json.loads(raw) if raw else None  # ok: SEC004


async def bulletin_refresh_loop(config: Config, redis: aioredis.Redis, http: aiohttp.ClientSession) -> None:
    while True:
        try:
            if await redis.set(LOCK_KEY, "1", nx=True, ex=REFRESH_SECONDS - 60):
                stored = await refresh_once(config, redis, http)
                logger.info("bulletins refreshed regions=%s", stored)
        except asyncio.CancelledError:
            raise
        except Exception:
            logger.exception("bulletin refresh cycle failed")
        await asyncio.sleep(REFRESH_SECONDS)
