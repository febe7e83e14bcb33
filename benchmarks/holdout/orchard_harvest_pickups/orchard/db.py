"""Database engine, sessions and the Redis client."""
import logging
from contextlib import contextmanager
from functools import lru_cache
from typing import Iterator

import redis
from sqlalchemy import create_engine
from sqlalchemy.orm import Session, sessionmaker

from .config import get_settings

logger = logging.getLogger(__name__)
_settings = get_settings()

engine = create_engine(
    _settings.database_url,
    pool_size=10,
    max_overflow=5,
    pool_timeout=10,
    pool_pre_ping=True,
    pool_recycle=1800,
    connect_args={"connect_timeout": 5, "options": "-c statement_timeout=10000"},
)
SessionLocal = sessionmaker(bind=engine, expire_on_commit=False)


def get_session() -> Iterator[Session]:
    """FastAPI dependency: one session per request, closed afterwards."""
    with SessionLocal() as session:
        yield session


@contextmanager
def session_scope() -> Iterator[Session]:
    """For workers and scripts: commit on success, roll back on error."""
    with SessionLocal.begin() as session:
        yield session


@lru_cache(maxsize=1)
def get_redis() -> redis.Redis:
    return redis.Redis.from_url(
        _settings.redis_url,
        socket_timeout=2,
        socket_connect_timeout=2,
        health_check_interval=30,
        decode_responses=False,
    )


def ping_all() -> dict[str, bool]:
    """Used by /readyz: can we reach Postgres and Redis right now?"""
    status = {"database": True, "redis": True}
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql("SELECT 1")
    except Exception:
        logger.warning("readiness: database unreachable", exc_info=True)
        status["database"] = False
    try:
        get_redis().ping()
    except redis.RedisError:
        logger.warning("readiness: redis unreachable", exc_info=True)
        status["redis"] = False
    return status
