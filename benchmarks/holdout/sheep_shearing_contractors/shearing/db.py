"""psycopg2 connection pool bound to the Flask app."""
import logging
from contextlib import contextmanager

from flask import current_app
from psycopg2.extras import RealDictCursor
from psycopg2.pool import ThreadedConnectionPool

logger = logging.getLogger(__name__)

EXTENSION_KEY = "pg_pool"


def init_app(app) -> None:
    """Create the pool once per process; gunicorn's threads share it."""
    pool = ThreadedConnectionPool(
        minconn=app.config["DB_POOL_MIN"],
        maxconn=app.config["DB_POOL_MAX"],
        dsn=app.config["DATABASE_URL"],
        connect_timeout=5,
        options=f"-c statement_timeout={app.config['DB_STATEMENT_TIMEOUT_MS']}",
        application_name="shearing-office",
    )
    app.extensions[EXTENSION_KEY] = pool


def _pool() -> ThreadedConnectionPool:
    return current_app.extensions[EXTENSION_KEY]


@contextmanager
def get_conn():
    """A pooled connection; commits on success, rolls back on error, always returned."""
    pool = _pool()
    conn = pool.getconn()
    try:
        yield conn
        conn.commit()
    except Exception:
        conn.rollback()
        raise
    finally:
        pool.putconn(conn)


@contextmanager
def get_cursor(dict_rows: bool = True):
    with get_conn() as conn:
        with conn.cursor(cursor_factory=RealDictCursor if dict_rows else None) as cur:
            yield cur


def fetch_one(sql: str, params: tuple = ()) -> dict | None:
    with get_cursor() as cur:
        cur.execute(sql, params)
        return cur.fetchone()


def fetch_page(sql: str, params: tuple, limit: int = 50, offset: int = 0) -> list[dict]:
    """Appends LIMIT/OFFSET placeholders; `sql` must not already have them."""
    limit = max(1, min(limit, 200))
    with get_cursor() as cur:
        cur.execute(f"{sql} LIMIT %s OFFSET %s", (*params, limit, max(offset, 0)))  # ok: SEC001
        return cur.fetchall()


def close_pool(app) -> None:
    pool = app.extensions.pop(EXTENSION_KEY, None)
    if pool is not None:
        pool.closeall()
        logger.info("database pool closed")
