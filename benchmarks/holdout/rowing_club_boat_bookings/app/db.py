"""Async SQLAlchemy engine and session dependency."""
from collections.abc import AsyncIterator
from functools import lru_cache

from sqlalchemy import text
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from app.config import get_settings


@lru_cache(maxsize=1)
def get_engine() -> AsyncEngine:
    settings = get_settings()
    return create_async_engine(
        settings.database_url,
        pool_size=settings.db_pool_size,
        max_overflow=5,
        pool_timeout=10,
        pool_pre_ping=True,
        pool_recycle=1800,
        connect_args={
            "timeout": 5,
            "command_timeout": 15,
            "server_settings": {"application_name": "rowing-api"},
        },
    )


@lru_cache(maxsize=1)
def get_sessionmaker() -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(get_engine(), expire_on_commit=False)


async def get_session() -> AsyncIterator[AsyncSession]:
    """FastAPI dependency: one session per request, always closed."""
    async with get_sessionmaker()() as session:
        yield session


def SessionLocal() -> AsyncSession:
    """For workers outside a request; use as `async with SessionLocal() as session:`."""
    return get_sessionmaker()()


async def dispose_engine() -> None:
    if get_engine.cache_info().currsize:
        await get_engine().dispose()
    get_engine.cache_clear()
    get_sessionmaker.cache_clear()


async def ping() -> bool:
    """Used by /healthz; a cheap round trip through the pool."""
    async with SessionLocal() as session:
        await session.execute(text("SELECT 1"))
    return True
