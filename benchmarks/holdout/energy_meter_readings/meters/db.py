"""asyncpg connection pool shared by the HTTP handlers, the consumer and the jobs."""
import json
import logging

import asyncpg

from meters.settings import Settings

logger = logging.getLogger(__name__)


async def _init_connection(conn: asyncpg.Connection) -> None:
    await conn.set_type_codec("jsonb", encoder=json.dumps, decoder=json.loads, schema="pg_catalog")
    await conn.execute("SET application_name = 'meter-readings'")


async def create_pool(settings: Settings) -> asyncpg.Pool:
    pool = await asyncpg.create_pool(
        dsn=settings.database_dsn,
        min_size=2,
        max_size=settings.db_pool_max,
        timeout=10,  # ok: REL001
        command_timeout=60,
        max_inactive_connection_lifetime=300,
        init=_init_connection,
    )
    logger.info("database pool ready (max %d)", settings.db_pool_max)
    return pool


async def close_pool(pool: asyncpg.Pool) -> None:
    try:
        await pool.close()
    except Exception:
        logger.exception("error while closing the database pool")


async def healthcheck(pool: asyncpg.Pool) -> bool:
    try:
        async with pool.acquire(timeout=2) as conn:
            return await conn.fetchval("SELECT 1") == 1
    except (asyncpg.PostgresError, OSError, TimeoutError) as exc:
        logger.warning("database healthcheck failed: %s", exc.__class__.__name__)
        return False
