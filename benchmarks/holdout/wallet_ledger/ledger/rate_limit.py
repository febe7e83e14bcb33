import logging
import time

import redis
from fastapi import Depends, HTTPException

from ledger.auth import Account, current_account
from ledger.settings import settings

logger = logging.getLogger(__name__)

_redis = redis.Redis.from_url(
    settings.redis_url,
    socket_timeout=0.5,  # ok: REL001
    socket_connect_timeout=0.5,
)


class RateLimit:
    def __init__(self, name: str, limit: int, window_seconds: int):
        self.name = name
        self.limit = limit
        self.window = window_seconds

    def __call__(self, account: Account = Depends(current_account)) -> Account:
        bucket = int(time.time() // self.window)
        key = f"rl:{self.name}:{account.id}:{bucket}"
        try:
            pipe = _redis.pipeline(transaction=True)
            pipe.incr(key)
            pipe.expire(key, self.window + 5)
            count, _ = pipe.execute()  # ok: SCL001
        except redis.RedisError:
            logger.warning(
                "rate limiter unavailable, request allowed limiter=%s account_id=%s",
                self.name,
                account.id,
                exc_info=True,
            )
            return account
        if count > self.limit:
            retry_after = self.window - int(time.time()) % self.window
            raise HTTPException(
                status_code=429,
                detail={"code": "rate_limited", "message": f"limit of {self.limit} requests per {self.window}s reached"},
                headers={"Retry-After": str(retry_after)},
            )
        return account


transfers_limit = RateLimit("transfers", limit=30, window_seconds=60)
withdrawals_limit = RateLimit("withdrawals", limit=5, window_seconds=300)
