"""asyncpg pool helpers shared by the routes and the workers."""
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import asyncpg
from fastapi import Request

from tm.settings import Settings


async def create_pool(settings: Settings) -> asyncpg.Pool:
    return await asyncpg.create_pool(
        dsn=settings.database_dsn,
        min_size=settings.db_pool_min,
        max_size=settings.db_pool_max,
        timeout=10,
        command_timeout=settings.db_command_timeout,
        max_inactive_connection_lifetime=300,
        server_settings={"application_name": "tm-api"},
    )


async def get_conn(request: Request) -> AsyncIterator[asyncpg.Connection]:
    """FastAPI dependency: one pooled connection per request, always released."""
    pool: asyncpg.Pool = request.app.state.pool
    async with pool.acquire() as conn:
        yield conn


@asynccontextmanager
async def acquire(pool: asyncpg.Pool) -> AsyncIterator[asyncpg.Connection]:
    async with pool.acquire() as conn:
        yield conn


def record_to_dict(record: asyncpg.Record | None) -> dict[str, Any] | None:
    if record is None:
        return None
    out = dict(record)
    for key, value in out.items():
        if hasattr(value, "isoformat"):
            out[key] = value.isoformat()
    return out


def clamp_page(limit: int | None, offset: int | None, max_limit: int = 200) -> tuple[int, int]:
    limit = 50 if limit is None else max(1, min(limit, max_limit))
    offset = 0 if offset is None else max(0, offset)
    return limit, offset


async def healthcheck(pool: asyncpg.Pool) -> bool:
    async with pool.acquire() as conn:
        return await conn.fetchval("SELECT 1") == 1
