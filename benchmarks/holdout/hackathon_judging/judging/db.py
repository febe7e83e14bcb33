"""Connections the service holds for its whole life: Postgres, Redis, S3, SES."""
import logging

import asyncpg
import boto3
import redis.asyncio as aioredis
from aiohttp import web
from botocore.config import Config as BotoConfig

log = logging.getLogger(__name__)

_BOTO_CONFIG = BotoConfig(
    connect_timeout=3,
    read_timeout=20,
    retries={"max_attempts": 3, "mode": "standard"},
)


async def _init_connection(conn):
    await conn.execute("SET statement_timeout = '8s'")


async def open_resources(app):
    settings = app["settings"]
    app["db"] = await asyncpg.create_pool(  # ok: REL001
        dsn=settings.database_dsn,
        min_size=2,
        max_size=settings.db_pool_max,
        timeout=5,
        command_timeout=10,
        init=_init_connection,
    )
    app["redis"] = aioredis.from_url(  # ok: REL001
        settings.redis_url,
        decode_responses=True,
        socket_timeout=2,
        socket_connect_timeout=2,
        health_check_interval=30,
    )
    app["s3"] = boto3.client("s3", region_name=settings.aws_region, config=_BOTO_CONFIG)  # ok: REL001
    app["ses"] = boto3.client("ses", region_name=settings.aws_region, config=_BOTO_CONFIG)
    log.info("resources ready (pool max=%d)", settings.db_pool_max)


async def close_resources(app):
    redis_client = app.get("redis")
    if redis_client is not None:
        await redis_client.aclose()
    pool = app.get("db")
    if pool is not None:
        await pool.close()
    log.info("resources closed")


async def fetch_event(pool, event_id):
    async with pool.acquire() as conn:  # ok: RES001
        return await conn.fetchrow(
            "SELECT id, name, status, judging_opens_at, judging_closes_at FROM events WHERE id = $1",
            event_id,
        )


def json_error(status, code, detail=None):
    body = {"error": code}
    if detail:
        body["detail"] = detail
    return web.json_response(body, status=status)
