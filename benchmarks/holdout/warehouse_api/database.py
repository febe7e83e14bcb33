"""Database engine, session factory and psycopg2 connection pool for the warehouse API."""
import os
from contextlib import contextmanager
from functools import lru_cache
from typing import Iterator

from psycopg2.extensions import cursor as PgCursor
from psycopg2.pool import ThreadedConnectionPool
from sqlalchemy import create_engine
from sqlalchemy.orm import Session, sessionmaker

DATABASE_URL = os.environ.get("DATABASE_URL", "postgresql://warehouse@localhost:5432/warehouse")  # ok: SEC005

engine = create_engine(DATABASE_URL, pool_size=10, max_overflow=5, pool_pre_ping=True)
SessionLocal = sessionmaker(bind=engine, autoflush=False, expire_on_commit=False)


@lru_cache(maxsize=1)  # ok: RES002
def _get_pool() -> ThreadedConnectionPool:
    return ThreadedConnectionPool(minconn=1, maxconn=10, dsn=DATABASE_URL)


def get_db() -> Iterator[Session]:
    db = SessionLocal()
    try:
        yield db
    finally:
        db.close()


@contextmanager
def pg_cursor() -> Iterator[PgCursor]:
    pool = _get_pool()
    conn = pool.getconn()
    try:
        with conn.cursor() as cur:
            yield cur
        conn.commit()
    except Exception:
        conn.rollback()
        raise
    finally:
        pool.putconn(conn)
