"""Postgres access: one psycopg_pool per process, raw SQL everywhere."""
from __future__ import annotations

import logging
import os
from contextlib import contextmanager
from typing import Any, Iterator, Sequence

import psycopg
from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool

log = logging.getLogger(__name__)

DATABASE_URL = os.environ.get("DATABASE_URL", "postgresql://agency@localhost:5432/agency")

pool = ConnectionPool(
    DATABASE_URL,
    min_size=int(os.environ.get("DB_POOL_MIN", "2")),
    max_size=int(os.environ.get("DB_POOL_MAX", "10")),
    timeout=10,
    max_idle=300,
    kwargs={
        "row_factory": dict_row,
        "connect_timeout": 5,
        "options": "-c statement_timeout=15000",
    },
    open=False,
)


def open_pool() -> None:
    pool.open(wait=True, timeout=30)
    log.info("database pool open (max %s connections)", pool.max_size)


def close_pool() -> None:
    pool.close()


@contextmanager
def transaction() -> Iterator[psycopg.Connection]:
    """Commits when the block exits normally, rolls back on any exception."""
    with pool.connection() as conn:
        yield conn


def fetch_one(sql: str, params: Sequence[Any] | dict = ()) -> dict | None:
    with pool.connection() as conn:
        return conn.execute(sql, params).fetchone()


def fetch_page(sql: str, params: Sequence[Any] | dict = (), limit: int = 50) -> list[dict]:
    """Runs a query that already ends in LIMIT %(limit)s / LIMIT %s and returns the page."""
    if isinstance(params, dict):
        params = {**params, "limit": limit}
    else:
        params = (*params, limit)
    with pool.connection() as conn:
        return conn.execute(sql, params).fetchall()  # ok: DB002


def healthy() -> bool:
    try:
        with pool.connection(timeout=2) as conn:
            conn.execute("SELECT 1")
        return True
    except (psycopg.Error, TimeoutError):
        log.warning("database health check failed", exc_info=True)
        return False
