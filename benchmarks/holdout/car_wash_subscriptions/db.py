"""Database engines, session factories and the shared Redis client."""
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager

import redis.asyncio as aioredis
from sqlalchemy import create_engine
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

from .config import get_settings

_settings = get_settings()

async_engine = create_async_engine(
    _settings.database_url,
    pool_size=10,
    max_overflow=5,
    pool_timeout=10,
    pool_pre_ping=True,
)
AsyncSessionLocal = async_sessionmaker(async_engine, expire_on_commit=False)

sync_engine = create_engine(_settings.sync_database_url, pool_size=5, max_overflow=2, pool_pre_ping=True)
SyncSessionLocal = sessionmaker(sync_engine, expire_on_commit=False)

redis_client = aioredis.from_url(
    _settings.redis_url,
    socket_timeout=2,
    socket_connect_timeout=2,
    health_check_interval=30,
)


class Base(DeclarativeBase):
    pass


async def get_session() -> AsyncIterator[AsyncSession]:
    """FastAPI dependency: one session per request, always closed."""
    async with AsyncSessionLocal() as session:
        yield session


@contextmanager
def sync_session_scope() -> Iterator[Session]:
    """Transaction scope for worker jobs that use the synchronous engine."""
    session = SyncSessionLocal()
    try:
        yield session
        session.commit()
    except Exception:
        session.rollback()
        raise
    finally:
        session.close()
