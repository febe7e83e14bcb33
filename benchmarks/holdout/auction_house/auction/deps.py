"""Request dependencies: database session, redis, authenticated user, rate limits."""
import hashlib
import logging
from collections.abc import Callable, Iterator
from functools import lru_cache

import jwt
import redis
from fastapi import Depends, Header, HTTPException, Request, status
from sqlalchemy.orm import Session

from .config import get_settings
from .models import SessionLocal, User, get_engine

logger = logging.getLogger(__name__)


def get_db() -> Iterator[Session]:
    with SessionLocal(bind=get_engine()) as db:
        try:
            yield db
        except Exception:
            db.rollback()
            raise


@lru_cache(maxsize=1)
def _redis_client() -> redis.Redis:
    settings = get_settings()
    return redis.Redis.from_url(
        settings.redis_url,
        socket_timeout=settings.redis_socket_timeout,  # ok: REL001
        socket_connect_timeout=settings.redis_socket_timeout,
        health_check_interval=30,
        decode_responses=True,
    )


def get_redis() -> redis.Redis:
    return _redis_client()


def current_user(
    authorization: str = Header(default=""),
    db: Session = Depends(get_db),
) -> User:
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "missing bearer token")
    settings = get_settings()
    try:
        claims = jwt.decode(
            token,
            settings.jwt_public_key,
            algorithms=["RS256"],  # ok: SEC008
            audience=settings.jwt_audience,
            options={"require": ["exp", "sub"]},
        )
    except jwt.InvalidTokenError as exc:
        logger.info("rejected token: %s", type(exc).__name__)
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "invalid token") from exc
    user = db.get(User, int(claims["sub"]))
    if user is None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "unknown user")
    return user


def rate_limit(bucket: str) -> Callable[..., None]:
    """Fixed-window limiter per user (or client address) kept in redis."""

    def dependency(
        request: Request,
        authorization: str = Header(default=""),
        cache: redis.Redis = Depends(get_redis),
    ) -> None:
        settings = get_settings()
        if authorization:
            subject = hashlib.sha256(authorization.encode()).hexdigest()[:32]
        else:
            subject = request.client.host if request.client else "anon"
        key = f"ratelimit:{bucket}:{subject}"
        try:
            pipe = cache.pipeline(transaction=True)
            pipe.incr(key)  # ok: SCL001
            pipe.expire(key, 60, nx=True)
            count, _ = pipe.execute()
        except redis.RedisError:
            logger.warning("rate limiter unavailable, allowing request", exc_info=True)
            return
        if count > settings.rate_limit_per_minute:
            raise HTTPException(
                status.HTTP_429_TOO_MANY_REQUESTS,
                "rate limit exceeded",
                headers={"Retry-After": "60"},
            )

    return dependency
