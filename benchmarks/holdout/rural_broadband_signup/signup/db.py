"""psycopg 3 connection pool for the web app, and plain connections for RQ jobs."""
import atexit
import os
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
from flask import Flask, current_app
from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool

CONNECT_KWARGS = {
    "connect_timeout": 5,
    "options": "-c statement_timeout=15000 -c idle_in_transaction_session_timeout=60000",
    "row_factory": dict_row,
    "application_name": "signup-web",
}


def init_app(app: Flask) -> None:
    """Create the pool once per process and close it when the interpreter exits."""
    pool = ConnectionPool(
        app.config["DATABASE_URL"],
        min_size=2,
        max_size=int(os.environ.get("DB_POOL_MAX", "10")),
        timeout=10,
        max_idle=300,
        kwargs=CONNECT_KWARGS,
        name="signup-web",
        open=True,
    )
    app.extensions["db_pool"] = pool
    atexit.register(pool.close)


@contextmanager
def connection() -> Iterator[psycopg.Connection]:
    """Borrow a pooled connection; the block commits on success and rolls back on error."""
    pool: ConnectionPool = current_app.extensions["db_pool"]
    with pool.connection() as conn:
        yield conn


@contextmanager
def job_connection(application_name: str = "signup-jobs") -> Iterator[psycopg.Connection]:
    """Standalone connection for RQ jobs, which run outside the Flask app."""
    url = os.environ.get("DATABASE_URL", "postgresql://signup@localhost:5432/signup")
    kwargs = {**CONNECT_KWARGS, "application_name": application_name}
    kwargs["options"] = "-c statement_timeout=300000"
    with psycopg.connect(url, **kwargs) as conn:
        yield conn


def fetch_one(sql: str, params: tuple = ()) -> dict | None:
    with connection() as conn:
        return conn.execute(sql, params).fetchone()


def fetch_page(sql: str, params: tuple = (), limit: int = 50, offset: int = 0) -> list[dict]:
    """Run a SELECT that must already contain ORDER BY; adds LIMIT/OFFSET as parameters."""
    if limit > 200:
        raise ValueError("page size is capped at 200")
    with connection() as conn:
        return conn.execute(f"{sql} LIMIT %s OFFSET %s", (*params, limit, offset)).fetchall()  # ok: SEC001
