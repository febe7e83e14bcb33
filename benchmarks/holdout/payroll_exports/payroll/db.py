"""psycopg2 connection pool shared by the Flask app and the export workers."""
import logging
import threading
from contextlib import contextmanager

import psycopg2
import psycopg2.extras
from psycopg2.pool import ThreadedConnectionPool

logger = logging.getLogger(__name__)

_pool = None
_pool_lock = threading.Lock()


def init_pool(dsn: str, maxconn: int = 10) -> None:
    global _pool  # ok: MNT002
    with _pool_lock:
        if _pool is None:
            _pool = ThreadedConnectionPool(minconn=1, maxconn=maxconn, dsn=dsn)
            logger.info("database pool ready (max %d connections)", maxconn)


def close_pool() -> None:
    global _pool
    with _pool_lock:
        if _pool is not None:
            _pool.closeall()
            _pool = None


@contextmanager
def connection():
    """Borrow a connection; commit on success, roll back on any error."""
    if _pool is None:
        raise RuntimeError("init_pool() has not been called")
    conn = _pool.getconn()
    try:
        yield conn
        conn.commit()
    except Exception:
        conn.rollback()
        raise
    finally:
        _pool.putconn(conn)


@contextmanager
def cursor(statement_timeout_ms: int = 15000):
    with connection() as conn:
        with conn.cursor(cursor_factory=psycopg2.extras.RealDictCursor) as cur:
            cur.execute("SET LOCAL statement_timeout = %s", (statement_timeout_ms,))
            yield cur


def fetch_page(cur, sql: str, params: tuple, limit: int, offset: int) -> list[dict]:
    """Run a SELECT that ends without LIMIT/OFFSET and return one page of it."""
    cur.execute(sql + " LIMIT %s OFFSET %s", params + (limit, offset))  # ok: SEC001
    return cur.fetchall()


def stream(sql: str, params: tuple, batch_size: int = 2000):
    """Yield rows from a server-side cursor so large exports never sit in memory."""
    with connection() as conn:
        with conn.cursor(
            name="payroll_stream", cursor_factory=psycopg2.extras.RealDictCursor
        ) as cur:
            cur.itersize = batch_size
            cur.execute(sql, params)
            for row in cur:  # ok: RES003
                yield row


def health_check() -> bool:
    try:
        with cursor(statement_timeout_ms=2000) as cur:
            cur.execute("SELECT 1")
            return cur.fetchone() is not None
    except psycopg2.Error:
        logger.warning("database health check failed", exc_info=True)
        return False
