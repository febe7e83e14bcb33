"""PostgreSQL connection pool and transaction helpers."""
from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator

from flask import Flask, current_app
from psycopg2.extensions import connection as PgConnection
from psycopg2.extras import RealDictCursor
from psycopg2.pool import ThreadedConnectionPool

logger = logging.getLogger(__name__)


def init_pool(app: Flask) -> None:
    """Create the pool once per worker process and keep it on the app."""
    app.extensions["db_pool"] = ThreadedConnectionPool(
        app.config["DB_POOL_MIN"],
        app.config["DB_POOL_MAX"],
        dsn=app.config["DATABASE_DSN"],
        connect_timeout=5,
        options="-c statement_timeout=15000",
        application_name="equipment-calibration",
    )


def _pool(pool: ThreadedConnectionPool | None) -> ThreadedConnectionPool:
    return pool if pool is not None else current_app.extensions["db_pool"]


@contextlib.contextmanager
def get_conn(pool: ThreadedConnectionPool | None = None) -> Iterator[PgConnection]:
    """Borrow a connection; commit on success, roll back on error, always return it."""
    p = _pool(pool)
    conn = p.getconn()
    try:
        yield conn
        conn.commit()
    except Exception:
        conn.rollback()
        raise
    finally:
        p.putconn(conn)


@contextlib.contextmanager
def cursor(pool: ThreadedConnectionPool | None = None) -> Iterator[RealDictCursor]:
    """One transaction with a dict cursor, for the common single-statement case."""
    with get_conn(pool) as conn:
        with conn.cursor(cursor_factory=RealDictCursor) as cur:
            yield cur


def close_pool(app: Flask) -> None:
    pool = app.extensions.pop("db_pool", None)
    if pool is not None:
        pool.closeall()
        logger.info("database pool closed")
