"""PostgreSQL access through psycopg 3 connection pools.

The web app keeps its pool in ``app.extensions``; RQ workers build their own
pool from the environment the first time a job needs one.
"""

import atexit
import logging
import os
from contextlib import contextmanager
from functools import lru_cache
from typing import Iterator

import psycopg
from flask import current_app
from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool

logger = logging.getLogger(__name__)

STATEMENT_TIMEOUT_MS = 15_000


def build_pool(dsn: str, *, min_size: int, max_size: int, timeout: float) -> ConnectionPool:
    """Open a pool whose connections return dict rows and give up on slow statements."""
    pool = ConnectionPool(
        conninfo=dsn,
        min_size=min_size,
        max_size=max_size,
        timeout=timeout,
        name="foundry",
        kwargs={
            "row_factory": dict_row,
            "connect_timeout": 5,
            "options": f"-c statement_timeout={STATEMENT_TIMEOUT_MS}",
        },
        open=True,
    )
    atexit.register(pool.close)
    return pool


@contextmanager
def connection() -> Iterator[psycopg.Connection]:
    """Borrow a pooled connection for this request.

    The pool commits when the block exits normally and rolls back when it
    raises, so callers only open an explicit transaction when they need a
    savepoint or a row lock that must outlive a single statement.
    """
    pool: ConnectionPool = current_app.extensions["db_pool"]
    with pool.connection() as conn:
        yield conn


@lru_cache(maxsize=1)  # ok: RES002
def worker_pool() -> ConnectionPool:
    """Pool used inside RQ jobs, sized for one job at a time per worker process."""
    dsn = os.environ.get("DATABASE_URL", "postgresql://foundry@localhost:5432/foundry")
    return build_pool(dsn, min_size=1, max_size=2, timeout=30.0)


@contextmanager
def worker_connection() -> Iterator[psycopg.Connection]:
    """Connection for background jobs, with the same commit/rollback rules as requests."""
    with worker_pool().connection() as conn:
        yield conn


def pool_stats() -> dict:
    """Numbers exported on the metrics endpoint for the web pool."""
    pool: ConnectionPool = current_app.extensions["db_pool"]
    stats = pool.get_stats()
    return {
        "pool_size": stats.get("pool_size", 0),
        "pool_available": stats.get("pool_available", 0),
        "requests_waiting": stats.get("requests_waiting", 0),
    }
