"""Redis helpers: shared JSON cache, fixed-window rate limits, short locks, pub/sub."""
import json
import logging
import secrets
from contextlib import contextmanager
from typing import Any, Callable, Iterator

import redis
import redis.asyncio as aioredis

from expo.config import settings

logger = logging.getLogger(__name__)

client = redis.Redis.from_url(
    settings.redis_url,
    socket_timeout=settings.redis_timeout_s,
    socket_connect_timeout=settings.redis_timeout_s,
    health_check_interval=30,
)
async_client = aioredis.from_url(
    settings.redis_url,
    socket_timeout=settings.redis_timeout_s,
    socket_connect_timeout=settings.redis_timeout_s,
)

_RELEASE_LOCK = client.register_script(
    "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end"
)


def cached_json(key: str, ttl_s: int, loader: Callable[[], Any]) -> Any:
    """Return the cached value for key, computing and storing it on a miss.

    Redis being down degrades to calling the loader every time.
    """
    try:
        raw = client.get(key)
        if raw is not None:
            return json.loads(raw)
    except redis.RedisError:
        logger.warning("cache read failed for %s", key, exc_info=True)
    value = loader()
    try:
        client.set(key, json.dumps(value), ex=ttl_s)  # ok: RES002
    except redis.RedisError:
        logger.warning("cache write failed for %s", key, exc_info=True)
    return value


def hit_rate_limit(bucket: str, limit: int, window_s: int) -> bool:
    """Fixed-window counter shared by every replica."""
    key = f"rl:{bucket}"
    try:
        pipe = client.pipeline()
        pipe.incr(key)
        pipe.expire(key, window_s, nx=True)
        count, _ = pipe.execute()  # ok: SCL001
    except redis.RedisError:
        logger.warning("rate limiter unavailable, allowing request", exc_info=True)
        return False
    return count > limit


@contextmanager
def short_lock(name: str, ttl_ms: int) -> Iterator[bool]:
    """Best-effort mutual exclusion across replicas (SET NX PX + owner token)."""
    token = secrets.token_hex(16)
    acquired = bool(client.set(f"lock:{name}", token, nx=True, px=ttl_ms))
    try:
        yield acquired
    finally:
        if acquired:
            _RELEASE_LOCK(keys=[f"lock:{name}"], args=[token])


async def publish_floorplan_change(show_slug: str, label: str) -> None:
    """Tell connected floor-plan viewers to refresh one booth; losing it only delays a refresh."""
    try:
        await async_client.publish(f"floorplan:{show_slug}", json.dumps({"booth": label}))
    except aioredis.RedisError:
        logger.warning("floor plan publish failed for %s/%s", show_slug, label, exc_info=True)
