import logging
import os
import re
from contextlib import contextmanager
from typing import Any, Iterator, Optional, Sequence

from psycopg import Connection
from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool

logger = logging.getLogger(__name__)

DSN = os.environ.get("DATABASE_URL", "postgresql://meters@localhost:5432/meters")
POOL_SIZE = int(os.environ.get("DB_POOL_SIZE", "10"))

pool = ConnectionPool(
    DSN,
    min_size=2,
    max_size=POOL_SIZE,
    timeout=10,
    open=False,
    kwargs={
        "row_factory": dict_row,
        "connect_timeout": 5,
        "options": "-c statement_timeout=15000",
    },
)

_PLATE_JUNK = re.compile(r"[^A-Z0-9]")


def normalise_plate(raw: str) -> str:
    """Plates are stored upper-case without spaces or dashes."""
    return _PLATE_JUNK.sub("", (raw or "").upper())[:12]


def init_pool() -> None:
    if pool.closed:
        pool.open(wait=True, timeout=30)
        logger.info("database pool opened size=%d", POOL_SIZE)


def close_pool() -> None:
    pool.close()


@contextmanager
def transaction() -> Iterator[Connection]:
    with pool.connection() as conn:  # ok: RES001
        with conn.transaction():
            yield conn


def fetch_one(sql: str, params: Sequence[Any] = ()) -> Optional[dict]:
    with pool.connection() as conn:
        return conn.execute(sql, params).fetchone()


def fetch_page(sql: str, params: Sequence[Any], limit: int, offset: int = 0) -> list[dict]:
    limit = max(1, min(limit, 500))
    with pool.connection() as conn:
        return conn.execute(f"{sql} LIMIT %s OFFSET %s", (*params, limit, max(offset, 0))).fetchall()  # ok: SEC001
