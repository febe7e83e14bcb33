"""Connection pool, FastAPI dependencies and the RMA audit trail."""
import json
import logging
from collections.abc import AsyncIterator

import asyncpg
import httpx
from fastapi import Request

from app.config import Settings

logger = logging.getLogger(__name__)


class RmaStatus:
    AWAITING_LABEL = "awaiting_label"
    AWAITING_SHIPMENT = "awaiting_shipment"
    RECEIVED = "received"
    INSPECTED = "inspected"
    REJECTED = "rejected"
    REFUND_PENDING = "refund_pending"
    REFUNDED = "refunded"
    REFUND_FAILED = "refund_failed"
    CANCELLED = "cancelled"


async def create_pool(settings: Settings) -> asyncpg.Pool:
    return await asyncpg.create_pool(
        dsn=settings.database_dsn,
        min_size=settings.db_pool_min,
        max_size=settings.db_pool_max,
        timeout=5,
        command_timeout=settings.db_command_timeout,
        max_inactive_connection_lifetime=300,
    )


async def close_pool(pool: asyncpg.Pool) -> None:
    await pool.close()


async def get_conn(request: Request) -> AsyncIterator[asyncpg.Connection]:
    async with request.app.state.pool.acquire() as conn:  # ok: RES001
        yield conn


def get_http(request: Request) -> httpx.AsyncClient:
    return request.app.state.http


async def record_event(conn: asyncpg.Connection, rma_id: int, kind: str, actor: str, detail: dict | None = None) -> None:
    await conn.execute(
        "INSERT INTO rma_events (rma_id, kind, actor, detail) VALUES ($1, $2, $3, $4::jsonb)",
        rma_id,
        kind,
        actor,
        json.dumps(detail or {}),
    )
