"""Database engines, sessions and the shared Redis client."""
from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager

import redis.asyncio as aioredis
from sqlalchemy import create_engine
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

from ferry.config import get_settings

settings = get_settings()


class Base(DeclarativeBase):
    pass


engine = create_async_engine(
    str(settings.database_url),
    pool_size=settings.database_pool_size,
    max_overflow=settings.database_max_overflow,
    pool_pre_ping=True,
    pool_timeout=10,
    connect_args={"timeout": 5, "command_timeout": 30},
)
SessionLocal = async_sessionmaker(engine, expire_on_commit=False)


async def get_session() -> AsyncIterator[AsyncSession]:
    """FastAPI dependency: one session per request, always closed."""
    async with SessionLocal() as session:
        yield session


# Worker jobs (weather cancellations, reminders) run in their own process
# with plain threads, so they get a synchronous engine of their own.
sync_engine = create_engine(
    settings.sync_database_url,
    pool_size=5,
    max_overflow=0,
    pool_pre_ping=True,
    connect_args={"connect_timeout": 5},
)
SyncSession = sessionmaker(sync_engine, expire_on_commit=False)


@contextmanager
def sync_session_scope() -> Iterator[Session]:
    session = SyncSession()
    try:
        yield session
        session.commit()
    except Exception:
        session.rollback()
        raise
    finally:
        session.close()


redis_client = aioredis.from_url(
    str(settings.redis_url),
    socket_timeout=settings.redis_socket_timeout,
    socket_connect_timeout=settings.redis_socket_timeout,
    health_check_interval=30,
    decode_responses=True,
)


async def close_connections() -> None:
    await redis_client.aclose()
    await engine.dispose()
    sync_engine.dispose()
