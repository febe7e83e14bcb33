import json
import logging
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
from fastapi import Request

from settings import Settings

log = logging.getLogger(__name__)


async def _init_connection(conn: asyncpg.Connection) -> None:
    await conn.set_type_codec("jsonb", encoder=json.dumps, decoder=json.loads, schema="pg_catalog")


async def create_pool(settings: Settings) -> asyncpg.Pool:
    pool = await asyncpg.create_pool(
        dsn=settings.database_dsn.get_secret_value(),
        min_size=settings.db_pool_min,
        max_size=settings.db_pool_max,
        command_timeout=settings.db_command_timeout,
        timeout=10,
        max_inactive_connection_lifetime=300,
        init=_init_connection,
    )
    log.info("database pool ready (max %d connections)", settings.db_pool_max)
    return pool


async def get_conn(request: Request) -> AsyncIterator[asyncpg.Connection]:
    async with request.app.state.pool.acquire() as conn:
        yield conn


def get_redis(request: Request):
    return request.app.state.redis


async def enqueue_outbox(conn: asyncpg.Connection, topic: str, key: str, payload: dict[str, Any]) -> None:
    """Write an event in the caller's transaction; the relay publishes it after commit."""
    await conn.execute(
        """
        INSERT INTO outbox (topic, dedupe_key, payload)
        VALUES ($1, $2, $3)
        ON CONFLICT (dedupe_key) DO NOTHING
        """,
        topic,
        key,
        payload,
    )


async def write_audit(conn: asyncpg.Connection, broker_id: int, actor: str, action: str,
                      declaration_id: int | None = None, detail: dict[str, Any] | None = None) -> None:
    await conn.execute(
        """
        INSERT INTO audit_log (broker_id, actor, action, declaration_id, detail)
        VALUES ($1, $2, $3, $4, $5)
        """,
        broker_id,
        actor,
        action,
        declaration_id,
        detail or {},
    )
