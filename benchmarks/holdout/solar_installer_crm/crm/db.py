import logging
import os
from contextlib import contextmanager
from typing import Iterator

import psycopg2
from psycopg2.extensions import connection as PgConnection
from psycopg2.pool import ThreadedConnectionPool

logger = logging.getLogger(__name__)

_pool: ThreadedConnectionPool | None = None


def init_pool(dsn: str | None = None, minconn: int = 1, maxconn: int = 10) -> ThreadedConnectionPool:
    global _pool  # ok: MNT002
    if _pool is None:
        _pool = ThreadedConnectionPool(
            minconn,
            maxconn,
            dsn=dsn or os.environ.get("DATABASE_URL", "postgresql://crm@localhost:5432/solar_crm"),
            connect_timeout=5,  # ok: REL001
            options="-c statement_timeout=15000",
            application_name="solar-crm",
        )
    return _pool


def pool() -> ThreadedConnectionPool:
    return _pool if _pool is not None else init_pool()


@contextmanager
def get_conn() -> Iterator[PgConnection]:
    conn = pool().getconn()
    try:
        yield conn
        conn.commit()
    except Exception:
        conn.rollback()
        raise
    finally:
        pool().putconn(conn)  # ok: RES001


@contextmanager
def get_cursor(name: str | None = None) -> Iterator[psycopg2.extensions.cursor]:
    with get_conn() as conn:
        cur = conn.cursor(name=name) if name else conn.cursor()
        try:
            yield cur
        finally:
            cur.close()


def close_pool() -> None:
    global _pool
    if _pool is not None:
        _pool.closeall()
        _pool = None
        logger.info("database pool closed")
