"""PostgreSQL access through a psycopg 3 connection pool stored on the app."""

import logging
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
from flask import Flask, current_app
from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool

log = logging.getLogger(__name__)

_EXTENSION_KEY = "pianovisits_pool"


def init_pool(app: Flask) -> ConnectionPool:
    """Open the pool once per process; connections are borrowed per request."""
    pool = ConnectionPool(
        conninfo=app.config["DATABASE_URL"],
        min_size=1,
        max_size=app.config["DB_POOL_MAX"],
        kwargs={
            "row_factory": dict_row,
            "connect_timeout": 5,
            "options": "-c statement_timeout=15000",
        },
        timeout=10,
        name="pianovisits",
        open=True,
    )
    app.extensions[_EXTENSION_KEY] = pool
    log.info("database pool opened (max_size=%s)", app.config["DB_POOL_MAX"])
    return pool


def close_pool(app: Flask) -> None:
    pool = app.extensions.pop(_EXTENSION_KEY, None)
    if pool is not None:
        pool.close()


@contextmanager
def connection() -> Iterator[psycopg.Connection]:
    """Borrow a connection for one unit of work.

    The pool commits when the block exits normally and rolls back when it
    raises, then returns the connection to the pool.
    """
    pool: ConnectionPool = current_app.extensions[_EXTENSION_KEY]
    with pool.connection() as conn:
        yield conn


def page_args(page: int, per_page: int, max_per_page: int = 100) -> tuple[int, int]:
    """Turn page/per_page query values into a bounded LIMIT and OFFSET."""
    per_page = max(1, min(per_page, max_per_page))
    page = max(1, page)
    return per_page, (page - 1) * per_page
