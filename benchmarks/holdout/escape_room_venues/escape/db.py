"""psycopg2 connection pool and helpers; one pool per process, kept on the app."""
from contextlib import contextmanager
from typing import Iterator

from flask import Flask, current_app
from psycopg2.extensions import connection as PGConnection
from psycopg2.extras import RealDictCursor
from psycopg2.pool import ThreadedConnectionPool


def init_pool(app: Flask) -> None:
    cfg = app.config
    app.extensions["db_pool"] = ThreadedConnectionPool(
        cfg["DB_POOL_MIN"],
        cfg["DB_POOL_MAX"],
        dsn=cfg["DATABASE_URL"],
        connect_timeout=cfg["DB_CONNECT_TIMEOUT"],
        options=f"-c statement_timeout={cfg['DB_STATEMENT_TIMEOUT_MS']}",
        application_name="escape-web",
    )


def close_pool(app: Flask) -> None:
    pool = app.extensions.pop("db_pool", None)
    if pool is not None:
        pool.closeall()


@contextmanager
def get_conn() -> Iterator[PGConnection]:
    """Borrow a connection; commit on success, roll back on error, always return it."""
    pool: ThreadedConnectionPool = current_app.extensions["db_pool"]
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
def get_cursor(dict_rows: bool = True) -> Iterator:
    with get_conn() as conn:
        factory = RealDictCursor if dict_rows else None
        with conn.cursor(cursor_factory=factory) as cur:
            yield cur


@contextmanager
def streaming_cursor(name: str, itersize: int = 2000) -> Iterator:
    """Server-side cursor for reports: rows arrive in batches, not all at once."""
    with get_conn() as conn:
        with conn.cursor(name=name, cursor_factory=RealDictCursor) as cur:
            cur.itersize = itersize
            yield cur


def try_advisory_lock(cur, key: int) -> bool:
    cur.execute("SELECT pg_try_advisory_xact_lock(%s) AS locked", (key,))
    row = cur.fetchone()
    return bool(row["locked"] if isinstance(row, dict) else row[0])
