"""Postgres access: one psycopg connection pool per process, opened by the app factory."""
from __future__ import annotations

import logging
import os
from contextlib import contextmanager
from typing import Iterator

import psycopg
from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool

log = logging.getLogger(__name__)

_pool: ConnectionPool | None = None


def init_pool(dsn: str | None = None, *, min_size: int = 2, max_size: int = 10) -> ConnectionPool:
    """Create the pool. Called once from create_app() or a job's main()."""
    global _pool  # ok: MNT002
    if _pool is not None:
        return _pool
    dsn = dsn or os.environ.get("DATABASE_URL", "postgresql://loyalty@localhost:5432/loyalty")
    _pool = ConnectionPool(
        dsn,
        min_size=min_size,
        max_size=max_size,
        timeout=5.0,
        kwargs={
            "connect_timeout": 5,
            "row_factory": dict_row,
            "options": "-c statement_timeout=15000",
        },
        open=True,
    )
    log.info("database pool ready (min=%s max=%s)", min_size, max_size)
    return _pool


def close_pool() -> None:
    global _pool
    if _pool is not None:
        _pool.close()
        _pool = None


def pool() -> ConnectionPool:
    if _pool is None:
        raise RuntimeError("database pool not initialised; call init_pool() first")
    return _pool


@contextmanager
def connection() -> Iterator[psycopg.Connection]:
    with pool().connection() as conn:
        yield conn


@contextmanager
def transaction() -> Iterator[psycopg.Cursor]:
    """A cursor inside one transaction: committed on success, rolled back on error."""
    with pool().connection() as conn:
        with conn.transaction():
            with conn.cursor() as cur:
                yield cur


def fetch_one(sql: str, params: tuple | dict = ()) -> dict | None:
    with connection() as conn:
        return conn.execute(sql, params).fetchone()


def fetch_page(sql: str, params: tuple | dict, limit: int) -> list[dict]:
    if "LIMIT" not in sql.upper():
        raise ValueError("fetch_page needs a LIMIT placeholder in the query")
    with connection() as conn:
        return conn.execute(sql, params).fetchmany(limit)
