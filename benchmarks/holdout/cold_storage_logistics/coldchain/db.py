"""PostgreSQL access through a psycopg 3 connection pool."""
import logging
from contextlib import contextmanager
from typing import Iterator, Optional

import psycopg
from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool

from coldchain.config import Config

logger = logging.getLogger(__name__)

_pool: Optional[ConnectionPool] = None


def init_pool(config: Config) -> ConnectionPool:
    """Create the process-wide pool; called once from create_app() or a worker's main()."""
    global _pool  # ok: MNT002
    if _pool is None:
        _pool = ConnectionPool(
            config.database_url,
            min_size=config.pool_min,
            max_size=config.pool_max,
            timeout=10,
            kwargs={
                "connect_timeout": config.db_connect_timeout_s,
                "options": f"-c statement_timeout={config.statement_timeout_ms}",
                "row_factory": dict_row,
            },
            open=True,
            name="coldchain",
        )
    return _pool


def pool() -> ConnectionPool:
    if _pool is None:
        raise RuntimeError("database pool not initialised; call init_pool() first")
    return _pool


@contextmanager
def transaction() -> Iterator[psycopg.Connection]:
    """Borrow a connection for one transaction; commits on success, rolls back on error."""
    with pool().connection() as conn:
        with conn.transaction():
            yield conn


@contextmanager
def read_only() -> Iterator[psycopg.Connection]:
    with pool().connection() as conn:
        conn.read_only = True
        try:
            yield conn
        finally:
            conn.rollback()
            conn.read_only = False


def healthy() -> bool:
    try:
        with pool().connection(timeout=2) as conn:
            conn.execute("SELECT 1")
        return True
    except Exception:
        logger.warning("database health check failed", exc_info=True)
        return False


def close_pool() -> None:
    global _pool  # ok: MNT002
    if _pool is not None:
        _pool.close()
        _pool = None
