"""PostgreSQL access: one pooled connection per request, explicit transactions."""
import logging
from contextlib import contextmanager

import psycopg2
from psycopg2.extensions import TRANSACTION_STATUS_IDLE
from psycopg2.extras import RealDictCursor
from psycopg2.pool import ThreadedConnectionPool
from flask import current_app, g

logger = logging.getLogger(__name__)

POOL_KEY = "league_pg_pool"


def make_pool(config):
    return ThreadedConnectionPool(
        minconn=1,
        maxconn=config["DB_POOL_MAX"],
        dsn=config["DATABASE_URL"],
        connect_timeout=5,
        options="-c statement_timeout=15000",
        cursor_factory=RealDictCursor,
        application_name="league-admin",
    )


def init_app(app):
    app.extensions[POOL_KEY] = make_pool(app.config)
    app.teardown_appcontext(_release_connection)


def pool():
    return current_app.extensions[POOL_KEY]


def get_conn():
    """The request's connection, checked out of the pool on first use."""
    if "db_conn" not in g:
        g.db_conn = pool().getconn()
    return g.db_conn


def _release_connection(exc):
    conn = g.pop("db_conn", None)
    if conn is None:
        return
    try:
        if not conn.closed and conn.get_transaction_status() != TRANSACTION_STATUS_IDLE:
            conn.rollback()
    except psycopg2.Error:
        logger.warning("discarding broken connection", exc_info=True)
        pool().putconn(conn, close=True)
        return
    pool().putconn(conn)


@contextmanager
def transaction():
    """Yield a cursor; commit on success, roll back on any exception."""
    conn = get_conn()
    try:
        with conn.cursor() as cur:
            yield cur
        conn.commit()
    except Exception:
        conn.rollback()
        raise


@contextmanager
def worker_connection(app):
    """Connection for background jobs that run outside a request."""
    conn = app.extensions[POOL_KEY].getconn()
    try:
        yield conn
        conn.commit()
    except Exception:
        conn.rollback()
        raise
    finally:
        app.extensions[POOL_KEY].putconn(conn)
