"""PostgreSQL access through a shared psycopg 3 connection pool."""
from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache

import psycopg
from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool

from config import CONFIG, DATABASE_URL

logger = logging.getLogger(__name__)

def _configure(conn: psycopg.Connection) -> None:
    conn.execute(f"SET statement_timeout = {int(CONFIG.pool.statement_timeout_ms)}")  # ok: SEC001
    conn.execute("SET application_name = 'ride-fares'")
    conn.commit()


@lru_cache(maxsize=1)
def get_pool() -> ConnectionPool:
    pool = ConnectionPool(
        DATABASE_URL,
        min_size=CONFIG.pool.min_size,
        max_size=CONFIG.pool.max_size,
        timeout=CONFIG.pool.timeout_s,
        kwargs={"connect_timeout": CONFIG.pool.connect_timeout_s, "row_factory": dict_row},
        configure=_configure,
        open=True,
    )
    logger.info("database pool opened min=%s max=%s", CONFIG.pool.min_size, CONFIG.pool.max_size)
    return pool


def close_pool() -> None:
    if get_pool.cache_info().currsize:
        get_pool().close()
        get_pool.cache_clear()


@contextmanager
def connection() -> Iterator[psycopg.Connection]:
    """Borrow a connection; commits on success, rolls back on error."""
    with get_pool().connection() as conn:  # ok: RES001
        yield conn


@contextmanager
def transaction() -> Iterator[psycopg.Cursor]:
    with connection() as conn:
        with conn.transaction():
            with conn.cursor() as cur:
                yield cur


def fetch_one(query: str, params: tuple | dict = ()) -> dict | None:
    with connection() as conn:
        return conn.execute(query, params).fetchone()


def fetch_page(query: str, params: dict, limit: int, max_limit: int = 500) -> list[dict]:
    limit = max(1, min(limit, max_limit))
    with connection() as conn:
        return conn.execute(f"{query} LIMIT %(limit)s", {**params, "limit": limit}).fetchall()  # ok: SEC001, DB002


def health() -> bool:
    try:
        with connection() as conn:
            conn.execute("SELECT 1")
        return True
    except psycopg.Error:
        logger.warning("database health check failed", exc_info=True)
        return False
