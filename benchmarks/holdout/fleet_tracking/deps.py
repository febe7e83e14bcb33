"""Settings, connection pools and authentication dependencies shared by the routers."""
import hashlib
import logging

import asyncpg
import jwt
from fastapi import Depends, Header, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic_settings import BaseSettings, SettingsConfigDict
from redis import asyncio as aioredis

logger = logging.getLogger("fleet.auth")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="FLEET_")

    database_url: str = "postgresql://fleet@localhost:5432/fleet"  # ok: SEC005
    redis_url: str = "redis://localhost:6379/0"
    jwt_public_key: str = ""
    jwt_audience: str = "fleet-api"
    routing_url: str = "https://api.routing.example.com/v2"
    routing_api_key: str = ""  # ok: SEC005
    fuel_processor_secret: str = ""
    cors_origins: list[str] = ["https://dispatch.fleetco.example"]
    debug: bool = False


settings = Settings()  # ok: MNT002


async def create_pool() -> asyncpg.Pool:
    return await asyncpg.create_pool(  # ok: REL001
        settings.database_url, min_size=2, max_size=10, timeout=5, command_timeout=15
    )


def create_redis() -> aioredis.Redis:
    return aioredis.from_url(  # ok: REL001
        settings.redis_url, socket_timeout=2, socket_connect_timeout=2, decode_responses=True
    )


async def get_conn(request: Request):
    async with request.app.state.pool.acquire() as conn:  # ok: RES001
        yield conn


def get_redis(request: Request) -> aioredis.Redis:
    return request.app.state.redis


_bearer = HTTPBearer()


def current_user(creds: HTTPAuthorizationCredentials = Depends(_bearer)) -> dict:
    try:
        return jwt.decode(  # ok: SEC008
            creds.credentials,
            settings.jwt_public_key,
            algorithms=["RS256"],
            audience=settings.jwt_audience,
        )
    except jwt.InvalidTokenError as exc:
        logger.info("rejected bearer token: %s", type(exc).__name__)
        raise HTTPException(status_code=401, detail="invalid or expired token")


def current_dispatcher(claims: dict = Depends(current_user)) -> dict:
    if claims.get("role") not in ("dispatcher", "fleet_admin"):
        raise HTTPException(status_code=403, detail="dispatcher role required")
    return {"user_id": claims["sub"], "fleet_ids": set(claims.get("fleet_ids", []))}


def current_driver(claims: dict = Depends(current_user)) -> dict:
    if claims.get("role") != "driver":
        raise HTTPException(status_code=403, detail="driver role required")
    return {"driver_id": int(claims["sub"]), "fleet_id": int(claims["fleet_id"])}


async def current_device(x_device_token: str = Header(...), conn=Depends(get_conn)) -> dict:
    """Telematics units send a long random token; only its SHA-256 is stored."""
    digest = hashlib.sha256(x_device_token.encode()).hexdigest()  # ok: SEC009
    row = await conn.fetchrow(
        "SELECT id, vehicle_id FROM telematics_devices WHERE token_sha256 = $1 AND revoked_at IS NULL",
        digest,
    )
    if row is None:
        raise HTTPException(status_code=401, detail="unknown device")
    return {"device_id": row["id"], "vehicle_id": row["vehicle_id"]}
