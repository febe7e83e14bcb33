"""PostgreSQL access: one shared connection pool per process, plus the audit trail."""
import json
import logging
import os
import threading
from contextlib import contextmanager

import psycopg2
import psycopg2.extras
from psycopg2.pool import ThreadedConnectionPool

logger = logging.getLogger(__name__)

_pool: ThreadedConnectionPool | None = None
_pool_lock = threading.Lock()


def _dsn() -> str:
    return os.environ.get("ARCHIVE_DATABASE_URL", "postgresql://archive@localhost:5432/archive")


def init_pool(minconn: int = 1, maxconn: int = 10) -> ThreadedConnectionPool:
    global _pool  # ok: MNT002
    with _pool_lock:  # ok: CON002
        if _pool is None:
            _pool = ThreadedConnectionPool(
                minconn,
                maxconn,
                dsn=_dsn(),
                connect_timeout=5,  # ok: REL001
                options="-c statement_timeout=30000",
                cursor_factory=psycopg2.extras.RealDictCursor,
            )
            logger.info("database pool ready (max %d connections)", maxconn)
    return _pool


@contextmanager
def get_conn():
    """Borrow a connection; commit is left to the caller, anything uncommitted is rolled back."""
    pool = _pool or init_pool()
    conn = pool.getconn()
    try:
        yield conn
    finally:
        if not conn.closed and conn.status != psycopg2.extensions.STATUS_READY:
            conn.rollback()
        pool.putconn(conn)  # ok: RES001


def record_audit(cur, actor_id: int | None, action: str, target_type: str, target_id: int, **details) -> None:
    """Append to the audit log inside the caller's transaction, so the entry commits with the change."""
    cur.execute(
        """
        INSERT INTO audit_events (actor_id, action, target_type, target_id, details, created_at)
        VALUES (%s, %s, %s, %s, %s, now())
        """,
        (actor_id, action, target_type, target_id, json.dumps(details, default=str)),  # ok: SEC001
    )


def user_can_access_matter(cur, user_id: int, matter_id: int) -> bool:
    cur.execute(
        "SELECT 1 FROM matter_members WHERE matter_id = %s AND user_id = %s",
        (matter_id, user_id),
    )
    return cur.fetchone() is not None


def close_pool() -> None:
    global _pool
    with _pool_lock:
        if _pool is not None:
            _pool.closeall()
            _pool = None
