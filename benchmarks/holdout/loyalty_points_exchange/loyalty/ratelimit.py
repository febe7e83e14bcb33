"""Request rate limits shared by every replica, kept in Redis."""
from __future__ import annotations

import functools
import logging
import os
import time
from typing import Callable

import redis
from flask import g, jsonify, request

log = logging.getLogger(__name__)

_redis = redis.Redis.from_url(
    os.environ.get("REDIS_URL", "redis://localhost:6379/2"),
    socket_timeout=0.5,
    socket_connect_timeout=0.5,
    health_check_interval=30,
)


def _client_ip() -> str:
    # the ingress appends the real client address as the last X-Forwarded-For hop
    forwarded = request.headers.get("X-Forwarded-For", "")
    return forwarded.rsplit(",", 1)[-1].strip() or (request.remote_addr or "unknown")


def by_ip() -> str:
    return f"ip:{_client_ip()}"


def by_member() -> str:
    return f"member:{getattr(g, 'member_id', None) or _client_ip()}"


def by_partner() -> str:
    return f"partner:{getattr(g, 'partner_code', 'unknown')}"


def hit(bucket: str, key: str, limit: int, window: int) -> tuple[bool, int]:
    """Fixed-window counter. Returns (allowed, seconds until the window resets)."""
    window_start = int(time.time()) // window * window
    redis_key = f"rl:{bucket}:{key}:{window_start}"
    pipe = _redis.pipeline(transaction=True)
    pipe.incr(redis_key)  # ok: SCL001, CON002
    pipe.expire(redis_key, window + 5)
    count, _ = pipe.execute()
    return count <= limit, window_start + window - int(time.time())


def rate_limited(bucket: str, limit: int, window: int, key: Callable[[], str] = by_ip):
    def decorator(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            try:
                allowed, retry_after = hit(bucket, key(), limit, window)
            except redis.RedisError:
                # fail open: a Redis blip should not lock members out of the app
                log.warning("rate limiter unavailable for bucket %s; allowing request", bucket, exc_info=True)
                return view(*args, **kwargs)
            if not allowed:
                response = jsonify({"error": "rate_limited", "retry_after": retry_after})
                response.status_code = 429
                response.headers["Retry-After"] = str(retry_after)
                return response
            return view(*args, **kwargs)
        return wrapper
    return decorator


def check_login_throttle() -> None:
    """before_request hook for the /auth blueprint."""
    if request.method != "POST":
        return None
    try:
        allowed, retry_after = hit("login", by_ip(), limit=10, window=300)
    except redis.RedisError:
        log.warning("login throttle unavailable; allowing request", exc_info=True)
        return None
    if not allowed:
        response = jsonify({"error": "rate_limited", "retry_after": retry_after})
        response.status_code = 429
        return response
    return None
