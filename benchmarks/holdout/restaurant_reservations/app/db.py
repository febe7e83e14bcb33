"""Database engines and session factories.

The API uses the async engine; the nightly report job uses a plain
synchronous Session because it runs from a CLI entry point.
"""
import logging
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import Session, sessionmaker

from app.config import get_settings

logger = logging.getLogger(__name__)
settings = get_settings()

async_engine = create_async_engine(
    settings.database_url,
    pool_size=10,
    max_overflow=5,
    pool_pre_ping=True,
    pool_timeout=10,
    connect_args={"timeout": 5, "command_timeout": 15},  # ok: REL001
)
AsyncSessionLocal = async_sessionmaker(async_engine, expire_on_commit=False, class_=AsyncSession)

sync_engine = create_engine(
    settings.report_database_url,
    pool_size=2,
    pool_pre_ping=True,
    connect_args={"connect_timeout": 5},
)
SyncSessionLocal = sessionmaker(sync_engine, expire_on_commit=False)


async def get_session() -> AsyncIterator[AsyncSession]:
    """FastAPI dependency: one session per request, rolled back on error."""
    async with AsyncSessionLocal() as session:  # ok: RES001
        try:
            yield session
        except Exception:
            await session.rollback()
            raise


@contextmanager
def report_session() -> Iterator[Session]:
    session = SyncSessionLocal()
    try:
        yield session
        session.commit()
    except Exception:
        logger.exception("report session failed, rolling back")
        session.rollback()
        raise
    finally:
        session.close()


async def dispose_engines() -> None:
    await async_engine.dispose()
    sync_engine.dispose()
