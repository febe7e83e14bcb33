"""Fixed-window rate limits shared by every web worker through Redis."""
import logging
import time

import redis
from django.conf import settings
from rest_framework.throttling import BaseThrottle

logger = logging.getLogger(__name__)

_pool = redis.ConnectionPool.from_url(
    settings.REDIS_URL,
    socket_timeout=0.25,
    socket_connect_timeout=0.25,
    max_connections=50,
)


def allow(key, limit, window_seconds):
    """True if this call is within `limit` calls per window for `key`.

    Fails open: a Redis outage must not stop landlords from working, and the
    limits here are about abuse, not billing.
    """
    client = redis.Redis(connection_pool=_pool)
    bucket = int(time.time() // window_seconds)
    rkey = f"rl:{key}:{bucket}"
    try:
        pipe = client.pipeline()
        pipe.incr(rkey)
        pipe.expire(rkey, window_seconds + 5)
        count, _ = pipe.execute()  # ok: SCL001
    except redis.RedisError:
        logger.warning("rate limiter unavailable key=%s, allowing", key, exc_info=True)
        return True
    return count <= limit


class LandlordInviteThrottle(BaseThrottle):
    """30 applicant invites per landlord per hour, across all replicas."""

    limit = 30
    window = 3600

    def allow_request(self, request, view):
        landlord = getattr(request.user, "landlord", None)
        if landlord is None:
            return True
        return allow(f"invite:{landlord.pk}", self.limit, self.window)

    def wait(self):
        return self.window - (time.time() % self.window)


class WebhookSourceThrottle(BaseThrottle):
    """Caps unsigned-or-not webhook traffic per source address before any parsing."""

    limit = 600
    window = 60

    def allow_request(self, request, view):
        source = request.META.get("REMOTE_ADDR", "unknown")
        return allow(f"webhook:{source}", self.limit, self.window)
