"""Postgres access through a psycopg 3 connection pool.

Every request borrows a connection with ``connection()``; leaving the block
commits, an exception rolls back, and the connection goes back to the pool.
"""
import atexit
import logging
from contextlib import contextmanager

from flask import current_app
from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool

log = logging.getLogger(__name__)

DEFAULT_PER_PAGE = 25
MAX_PER_PAGE = 100


def init_app(app):
    """Create the pool for ``app`` and close it when the process exits."""
    pool = ConnectionPool(
        conninfo=app.config["DATABASE_URL"],
        min_size=1,
        max_size=app.config.get("DB_POOL_SIZE", 10),
        timeout=10,
        kwargs={
            "connect_timeout": 5,
            "row_factory": dict_row,
            "options": "-c statement_timeout=15000",
        },
        open=False,
        name="studio",
    )
    pool.open(wait=False)
    app.extensions["db_pool"] = pool
    atexit.register(pool.close)
    log.info("database pool created (max_size=%s)", pool.max_size)


@contextmanager
def connection():
    """Borrow a pooled connection for the current app."""
    pool = current_app.extensions["db_pool"]
    with pool.connection() as conn:
        yield conn


def ping():
    """Cheap liveness query used by the health endpoint."""
    with connection() as conn:
        conn.execute("SELECT 1").fetchone()
    return True


def page_args(args):
    """Read ``page`` and ``per_page`` from query args, clamped to sane bounds."""
    try:
        page = max(int(args.get("page", 1)), 1)
    except (TypeError, ValueError):
        page = 1
    try:
        per_page = int(args.get("per_page", DEFAULT_PER_PAGE))
    except (TypeError, ValueError):
        per_page = DEFAULT_PER_PAGE
    per_page = min(max(per_page, 1), MAX_PER_PAGE)
    return page, per_page, (page - 1) * per_page
