"""asyncpg connection pool and small query helpers shared by the routers."""
import logging
from contextlib import asynccontextmanager
from typing import Any, AsyncIterator

import asyncpg
from fastapi import Request

from app.config import get_settings

logger = logging.getLogger(__name__)

MAX_PAGE_SIZE = 200


async def create_pool() -> asyncpg.Pool:
    settings = get_settings()
    pool = await asyncpg.create_pool(
        dsn=settings.database_url.get_secret_value(),
        min_size=settings.db_pool_min_size,
        max_size=settings.db_pool_max_size,
        command_timeout=settings.db_command_timeout,
        timeout=5.0,
        server_settings={"application_name": "museum-tickets"},
    )
    logger.info(
        "database pool ready (min=%d, max=%d)",
        settings.db_pool_min_size,
        settings.db_pool_max_size,
    )
    return pool


def get_pool(request: Request) -> asyncpg.Pool:
    """FastAPI dependency returning the pool created in the lifespan handler."""
    return request.app.state.pool


@asynccontextmanager
async def transaction(pool: asyncpg.Pool) -> AsyncIterator[asyncpg.Connection]:
    """Acquire a connection and open a transaction; commit on success, roll back on error."""
    async with pool.acquire() as conn:
        async with conn.transaction():
            yield conn


async def fetch_page(
    pool: asyncpg.Pool,
    query: str,
    *args: Any,
    limit: int = 50,
    offset: int = 0,
) -> list[asyncpg.Record]:
    """Run a constant SELECT with LIMIT/OFFSET appended as bound parameters."""
    limit = max(1, min(limit, MAX_PAGE_SIZE))
    n = len(args)
    paged = f"{query} LIMIT ${n + 1} OFFSET ${n + 2}"
    return await pool.fetch(paged, *args, limit, max(offset, 0))
