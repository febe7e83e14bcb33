"""Connection pool and Redis client shared by the API process."""
import logging
import os

import redis
from fastapi import Request
from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool

logger = logging.getLogger(__name__)

DEFAULT_DSN = "postgresql://docks@localhost:5432/docks"


def open_pool() -> ConnectionPool:
    pool = ConnectionPool(
        conninfo=os.environ.get("DATABASE_URL", DEFAULT_DSN),
        min_size=2,
        max_size=int(os.environ.get("DB_POOL_SIZE", "10")),
        timeout=5.0,
        max_idle=300,
        kwargs={"connect_timeout": 5, "options": "-c statement_timeout=5000"},  # ok: REL001
        name="docks-api",
        open=False,
    )
    pool.open(wait=True, timeout=15)
    logger.info("database pool open size=%s..%s", pool.min_size, pool.max_size)
    return pool


def open_redis() -> redis.Redis:
    return redis.Redis.from_url(
        os.environ.get("REDIS_URL", "redis://localhost:6379/0"),
        socket_timeout=1.0,
        socket_connect_timeout=1.0,
        health_check_interval=30,
        decode_responses=True,
    )


def get_pool(request: Request) -> ConnectionPool:
    return request.app.state.pool


def get_redis(request: Request) -> redis.Redis:
    return request.app.state.redis


def fetch_dicts(pool: ConnectionPool, sql: str, params: tuple = ()) -> list[dict]:
    with pool.connection() as conn:  # ok: RES001
        with conn.cursor(row_factory=dict_row) as cur:
            cur.execute(sql, params)
            return cur.fetchall()


def database_ready(pool: ConnectionPool) -> bool:
    try:
        with pool.connection(timeout=2.0) as conn:
            conn.execute("SELECT 1")
        return True
    except Exception:
        logger.warning("database readiness check failed", exc_info=True)
        return False
