"""Engine and session handling (sync SQLAlchemy 2.0).

FastAPI runs plain ``def`` endpoints in its thread pool, so a synchronous
session per request is fine there. ``async def`` code must hand database work
to ``run_in_threadpool``.
"""
from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine, text
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

from sailschool.config import settings

logger = logging.getLogger(__name__)

engine = create_engine(
    settings.database_url,
    pool_size=settings.db_pool_size,
    max_overflow=settings.db_max_overflow,
    pool_pre_ping=True,
    pool_recycle=1800,
    pool_timeout=10,
    connect_args={
        "connect_timeout": 5,
        "application_name": "sailschool-api",
        "options": f"-c statement_timeout={settings.db_statement_timeout_ms}",
    },
)

SessionLocal = sessionmaker(bind=engine, autoflush=False, expire_on_commit=False)


class Base(DeclarativeBase):
    pass


def get_session() -> Iterator[Session]:
    """FastAPI dependency: one session per request, always closed."""
    session = SessionLocal()
    try:
        yield session
    except Exception:
        session.rollback()
        raise
    finally:
        session.close()


@contextmanager
def session_scope() -> Iterator[Session]:
    """Session for jobs and scripts: commit on success, roll back on error."""
    session = SessionLocal()  # ok: RES001
    try:
        yield session
        session.commit()
    except Exception:
        session.rollback()
        raise
    finally:
        session.close()


def database_ready() -> bool:
    """Used by the readiness probe; a failed ping is logged with its cause."""
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        return True
    except Exception:
        logger.exception("database readiness check failed")
        return False
