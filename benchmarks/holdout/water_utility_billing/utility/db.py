"""psycopg 3 connection pool for the hand-written SQL in billing, meters,
notices and reports.

    with connection() as conn:
        conn.execute(...)

The block is one transaction: it commits when the block exits normally and
rolls back when it raises. The pool is created lazily on first use so that
importing a module never opens connections.
"""
from __future__ import annotations

import logging
from contextlib import contextmanager
from functools import lru_cache
from typing import Any, Iterator, Sequence

import psycopg
from django.conf import settings
from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool

log = logging.getLogger(__name__)


def _conninfo() -> str:
    db = settings.DATABASES["default"]
    return psycopg.conninfo.make_conninfo(
        dbname=db["NAME"],
        user=db["USER"],
        password=db["PASSWORD"],
        host=db["HOST"],
        port=db["PORT"],
        connect_timeout=5,
        application_name="water-billing",
    )


@lru_cache(maxsize=1)
def get_pool() -> ConnectionPool:
    pool = ConnectionPool(
        _conninfo(),
        min_size=1,
        max_size=int(getattr(settings, "PG_POOL_MAX", 10)),
        timeout=10,
        max_idle=300,
        kwargs={"row_factory": dict_row, "options": "-c statement_timeout=30000"},
        open=False,
    )
    pool.open(wait=True, timeout=15)
    log.info("postgres pool opened", extra={"max_size": pool.max_size})
    return pool


@contextmanager
def connection() -> Iterator[psycopg.Connection]:
    with get_pool().connection() as conn:
        yield conn


def fetch_one(sql: str, params: Sequence[Any] = ()) -> dict[str, Any] | None:
    with connection() as conn:
        return conn.execute(sql, params).fetchone()


def fetch_page(sql: str, params: Sequence[Any], limit: int, offset: int) -> list[dict[str, Any]]:
    """Run a SELECT with LIMIT/OFFSET appended; limit is capped at 200."""
    limit = max(1, min(int(limit), 200))
    offset = max(0, int(offset))
    with connection() as conn:
        return conn.execute(f"{sql} LIMIT %s OFFSET %s", (*params, limit, offset)).fetchall()  # ok: SEC001
