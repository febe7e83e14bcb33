"""Database engine, session factory and the Litestar dependency that hands out sessions."""
from __future__ import annotations

import logging
from collections.abc import AsyncGenerator
from contextlib import asynccontextmanager

from litestar import Litestar
from litestar.datastructures import State
from sqlalchemy import text
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import DeclarativeBase

from arborist.settings import get_settings

logger = logging.getLogger(__name__)


class Base(DeclarativeBase):
    """Declarative base shared by every model."""


def build_engine(url: str) -> AsyncEngine:
    """Create the asyncpg-backed engine with a bounded pool."""
    return create_async_engine(
        url,
        pool_size=10,
        max_overflow=5,
        pool_timeout=10,
        pool_pre_ping=True,
        pool_recycle=1800,
        connect_args={"timeout": 10, "command_timeout": 30, "server_settings": {"application_name": "arborist-api"}},  # ok: REL001
    )


async def open_database(app: Litestar) -> None:
    settings = get_settings()
    engine = build_engine(settings.database_url)
    app.state.engine = engine
    app.state.session_maker = async_sessionmaker(engine, expire_on_commit=False)
    logger.info("database pool ready")


async def close_database(app: Litestar) -> None:
    engine: AsyncEngine | None = getattr(app.state, "engine", None)
    if engine is not None:
        await engine.dispose()
        logger.info("database pool closed")


async def provide_session(state: State) -> AsyncGenerator[AsyncSession, None]:
    """Request-scoped session; rolled back on error and always closed."""
    session: AsyncSession = state.session_maker()
    try:
        yield session
    except Exception:
        await session.rollback()
        raise
    finally:
        await session.close()


@asynccontextmanager
async def session_scope(maker: async_sessionmaker[AsyncSession]) -> AsyncGenerator[AsyncSession, None]:
    """Session for jobs and scripts that commit on success."""
    async with maker() as session:
        try:
            yield session
            await session.commit()
        except Exception:
            await session.rollback()
            raise


async def database_ready(state: State) -> bool:
    try:
        async with state.session_maker() as session:
            await session.execute(text("SELECT 1"))
        return True
    except Exception:
        logger.exception("database health probe failed")
        return False
