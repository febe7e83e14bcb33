"""psycopg 3 connection pool shared by the web workers and the jobs."""
import logging
from contextlib import contextmanager
from typing import Any, Iterator

import psycopg
from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool

from . import config

log = logging.getLogger(__name__)

# One pool per process. gunicorn imports the app in each worker (no --preload),
# and ``open_pool`` is called from ``create_app`` once the worker is running.
pool = ConnectionPool(  # ok: RES001
    conninfo=config.DATABASE_URL,
    min_size=config.DB_POOL_MIN,
    max_size=config.DB_POOL_MAX,
    timeout=10,
    max_idle=300,
    kwargs={
        "row_factory": dict_row,
        "connect_timeout": 5,
        "application_name": "hivekit",
        "options": "-c statement_timeout=15000 -c idle_in_transaction_session_timeout=30000",
    },
    open=False,
)


def open_pool() -> None:
    """Open the pool and wait until ``min_size`` connections are ready."""
    if pool.closed:
        pool.open(wait=True, timeout=30)
        log.info("database pool open (min=%d max=%d)", pool.min_size, pool.max_size)


def close_pool() -> None:
    log.info("closing database pool")
    pool.close()


@contextmanager
def transaction() -> Iterator[psycopg.Connection]:
    """Borrow a connection and run the block in one transaction.

    The transaction commits when the block exits normally and rolls back if
    it raises; the connection goes back to the pool either way.
    """
    with pool.connection() as conn:
        with conn.transaction():
            yield conn


def fetch_one(sql: str, params: tuple[Any, ...] = ()) -> dict | None:
    with pool.connection() as conn:
        return conn.execute(sql, params).fetchone()


def fetch_page(
    sql: str,
    params: tuple[Any, ...],
    *,
    page: int,
    per_page: int,
    max_per_page: int = 100,
) -> list[dict]:
    """Run a constant ``sql`` with LIMIT/OFFSET appended as bound parameters."""
    per_page = max(1, min(per_page, max_per_page))
    offset = (max(page, 1) - 1) * per_page
    with pool.connection() as conn:
        return conn.execute(sql + " LIMIT %s OFFSET %s", (*params, per_page, offset)).fetchall()  # ok: SEC001
