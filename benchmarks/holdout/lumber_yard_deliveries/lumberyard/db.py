"""psycopg2 connection pool shared by request handlers and background jobs.

One pool per process, stored on the app. A request borrows a connection the
first time it needs one and gives it back on teardown, rolled back if the
handler left a transaction open.
"""
import contextlib
import logging

from flask import current_app, g
from psycopg2.extras import RealDictCursor
from psycopg2.pool import ThreadedConnectionPool

logger = logging.getLogger(__name__)


def init_app(app) -> None:
    pool = ThreadedConnectionPool(
        minconn=app.config["DB_POOL_MIN"],
        maxconn=app.config["DB_POOL_MAX"],
        dsn=app.config["DATABASE_URL"],
        connect_timeout=5,
        options="-c statement_timeout=15000",
        application_name="lumberyard-api",
    )
    app.extensions["db_pool"] = pool
    app.teardown_appcontext(_release_connection)


def get_conn():
    if "db_conn" not in g:
        g.db_conn = current_app.extensions["db_pool"].getconn()
    return g.db_conn


def _release_connection(exc) -> None:
    conn = g.pop("db_conn", None)
    if conn is None:
        return
    try:
        if not conn.closed:
            conn.rollback()
    finally:
        current_app.extensions["db_pool"].putconn(conn, close=bool(conn.closed))


@contextlib.contextmanager
def transaction():
    """Cursor whose statements are committed together, or rolled back on error."""
    conn = get_conn()
    try:
        with conn.cursor(cursor_factory=RealDictCursor) as cur:
            yield cur
        conn.commit()
    except Exception:
        conn.rollback()
        raise


@contextlib.contextmanager
def cursor():
    """Cursor for reads; teardown rolls back whatever the handler did not commit."""
    conn = get_conn()
    with conn.cursor(cursor_factory=RealDictCursor) as cur:
        yield cur


def ping() -> None:
    with cursor() as cur:
        cur.execute("SELECT 1")
        cur.fetchone()
