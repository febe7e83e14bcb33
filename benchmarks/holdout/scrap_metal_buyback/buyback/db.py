"""psycopg2 connection pool shared by request handlers and jobs."""
from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg2
from psycopg2.extras import RealDictCursor
from psycopg2.pool import ThreadedConnectionPool

from buyback.config import settings

log = logging.getLogger(__name__)


class _Pool:
    """Creates the pool on first use so importing the app needs no database."""

    def __init__(self) -> None:
        self._pool: ThreadedConnectionPool | None = None
        self._lock = threading.Lock()

    def get(self) -> ThreadedConnectionPool:
        with self._lock:
            if self._pool is None:
                self._pool = ThreadedConnectionPool(
                    1,
                    settings.db_pool_max,
                    dsn=settings.database_url,
                    connect_timeout=5,
                    options="-c statement_timeout=15000",
                    cursor_factory=RealDictCursor,
                )
            return self._pool

    def close(self) -> None:
        with self._lock:
            if self._pool is not None:
                self._pool.closeall()
                self._pool = None


pool = _Pool()


@contextmanager
def get_conn() -> Iterator[psycopg2.extensions.connection]:
    """Borrow a connection; roll back on error and always return it."""
    p = pool.get()
    conn = p.getconn()
    try:
        yield conn
    except Exception:
        conn.rollback()
        raise
    finally:
        if not conn.closed and conn.status != psycopg2.extensions.STATUS_READY:
            conn.rollback()
        p.putconn(conn)


def fetch_one(sql: str, params: tuple = ()) -> dict | None:
    with get_conn() as conn, conn.cursor() as cur:
        cur.execute(sql, params)
        return cur.fetchone()


def ping() -> bool:
    try:
        fetch_one("SELECT 1 AS ok")
    except psycopg2.Error:
        log.warning("database ping failed", exc_info=True)
        return False
    return True
