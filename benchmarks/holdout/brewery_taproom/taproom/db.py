"""Database plumbing: SQLAlchemy engine/session for the ORM, psycopg pool for raw SQL."""
import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool
from sqlalchemy import create_engine
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

log = logging.getLogger(__name__)

DATABASE_URL = os.environ.get(
    "TAPROOM_DATABASE_URL", "postgresql+psycopg://taproom@localhost:5432/taproom"
)
RAW_DSN = os.environ.get(
    "TAPROOM_RAW_DSN",
    "host=localhost port=5432 dbname=taproom user=taproom connect_timeout=5",
)

engine = create_engine(
    DATABASE_URL,
    pool_size=int(os.environ.get("TAPROOM_DB_POOL_SIZE", "10")),
    max_overflow=5,
    pool_timeout=10,
    pool_pre_ping=True,
    connect_args={"connect_timeout": 5, "options": "-c statement_timeout=15000"},
)
SessionLocal = sessionmaker(bind=engine, expire_on_commit=False)

pool = ConnectionPool(
    RAW_DSN,
    min_size=1,
    max_size=int(os.environ.get("TAPROOM_RAW_POOL_SIZE", "8")),
    timeout=10,
    kwargs={"row_factory": dict_row, "options": "-c statement_timeout=30000"},
    open=False,
)


class Base(DeclarativeBase):
    pass


def get_session() -> Iterator[Session]:
    """FastAPI dependency yielding one session per request."""
    with SessionLocal() as session:
        yield session


@contextmanager
def raw_connection() -> Iterator[psycopg.Connection]:
    """Borrow a pooled psycopg connection; commits on success, rolls back on error."""
    with pool.connection() as conn:
        yield conn


def open_pools() -> None:
    pool.open(wait=True, timeout=15)
    log.info("raw SQL pool ready (max_size=%s)", pool.max_size)


def close_pools() -> None:
    pool.close()
    engine.dispose()
