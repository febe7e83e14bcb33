"""psycopg 3 connection pool and small query helpers."""

from __future__ import annotations

import atexit
import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from flask import Flask, current_app
from psycopg import Connection
from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool

logger = logging.getLogger(__name__)


def init_pool(app: Flask) -> ConnectionPool:
    """Create the process-wide pool once and keep it on the app."""
    pool = ConnectionPool(
        conninfo=app.config["DATABASE_URL"],
        min_size=app.config["DB_POOL_MIN"],
        max_size=app.config["DB_POOL_MAX"],
        timeout=10,
        max_idle=300,
        kwargs={"connect_timeout": 5, "row_factory": dict_row, "application_name": "florist-web"},
        open=True,
        name="florist",
    )
    app.extensions["db_pool"] = pool
    atexit.register(pool.close)
    logger.info("database pool ready (%s-%s connections)", pool.min_size, pool.max_size)
    return pool


def get_pool() -> ConnectionPool:
    return current_app.extensions["db_pool"]


@contextmanager
def transaction() -> Iterator[Connection]:
    """Borrow a connection and run everything inside one transaction."""
    with get_pool().connection() as conn:
        with conn.transaction():
            yield conn


def fetch_one(sql: str, params: Sequence[Any] = ()) -> dict | None:
    with get_pool().connection() as conn:
        return conn.execute(sql, params).fetchone()


def fetch_all(sql: str, params: Sequence[Any] = ()) -> list[dict]:
    with get_pool().connection() as conn:
        return conn.execute(sql, params).fetchall()


def execute(sql: str, params: Sequence[Any] = ()) -> int:
    """Run one write statement in its own transaction and return the affected row count."""
    with get_pool().connection() as conn:
        cur = conn.execute(sql, params)
        return cur.rowcount


def pool_stats() -> dict:
    stats = get_pool().get_stats()
    return {
        "size": stats.get("pool_size", 0),
        "available": stats.get("pool_available", 0),
        "waiting": stats.get("requests_waiting", 0),
    }
