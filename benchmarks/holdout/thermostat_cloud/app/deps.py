"""Shared clients (database pool, redis, http) and request dependencies."""
import logging
from dataclasses import dataclass

import asyncpg
import httpx
import jwt
import redis.asyncio as redis
from fastapi import Depends, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from .config import get_settings

logger = logging.getLogger(__name__)
_bearer = HTTPBearer(auto_error=False)


@dataclass(frozen=True)
class Account:
    id: int
    scopes: frozenset[str]


async def open_clients(app) -> None:
    settings = get_settings()
    app.state.db = await asyncpg.create_pool(
        str(settings.database_url),
        min_size=settings.db_pool_min,
        max_size=settings.db_pool_max,
        command_timeout=settings.db_command_timeout,
        timeout=10,
    )
    app.state.redis = redis.from_url(
        str(settings.redis_url),
        socket_timeout=settings.redis_socket_timeout,
        socket_connect_timeout=2,
        decode_responses=False,
    )
    app.state.http = httpx.AsyncClient(
        timeout=httpx.Timeout(settings.http_timeout_seconds, connect=3.0),
        limits=httpx.Limits(max_connections=50, max_keepalive_connections=10),
    )


async def close_clients(app) -> None:
    await app.state.http.aclose()
    await app.state.redis.aclose()
    await app.state.db.close()


def get_db(request: Request) -> asyncpg.Pool:
    return request.app.state.db


def get_redis(request: Request) -> redis.Redis:
    return request.app.state.redis


def get_http(request: Request) -> httpx.AsyncClient:
    return request.app.state.http


async def get_current_account(
    creds: HTTPAuthorizationCredentials | None = Depends(_bearer),
) -> Account:
    if creds is None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "missing bearer token")
    settings = get_settings()
    try:
        claims = jwt.decode(
            creds.credentials,
            settings.jwt_public_key.get_secret_value(),
            algorithms=["RS256"],  # ok: SEC008
            audience=settings.jwt_audience,
            issuer=settings.jwt_issuer,
        )
    except jwt.PyJWTError as exc:
        logger.info("rejected bearer token: %s", type(exc).__name__)
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "invalid token") from exc
    return Account(id=int(claims["sub"]), scopes=frozenset(claims.get("scope", "").split()))


async def get_device_account(request: Request) -> int:
    """Devices authenticate with a per-device key sent in X-Device-Key."""
    key = request.headers.get("x-device-key")
    device_id = request.path_params.get("device_id")
    if not key or not device_id:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "missing device credentials")
    row = await request.app.state.db.fetchrow(
        "SELECT id FROM devices WHERE id = $1 AND key_hash = crypt($2, key_hash)",
        device_id,
        key,
    )
    if row is None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "unknown device")
    return row["id"]
