"""Database engine, session dependency and the shared Redis client."""
import logging
from collections.abc import AsyncIterator

import redis.asyncio as redis
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine

from boxoffice.config import get_settings

settings = get_settings()
logger = logging.getLogger(__name__)

# One engine and one Redis pool per process, created at import and closed in the
# app's lifespan handler.
engine = create_async_engine(
    settings.database_url,
    pool_size=settings.db_pool_size,
    max_overflow=5,
    pool_timeout=10,
    pool_pre_ping=True,
    pool_recycle=1800,
    connect_args={
        "timeout": 5,
        "command_timeout": 15,
        "server_settings": {"application_name": "boxoffice", "statement_timeout": "15000"},
    },
)

SessionLocal = async_sessionmaker(engine, expire_on_commit=False, class_=AsyncSession)

redis_client = redis.from_url(
    settings.redis_url,
    socket_timeout=2,
    socket_connect_timeout=2,
    health_check_interval=30,
    decode_responses=True,
)


async def get_session() -> AsyncIterator[AsyncSession]:
    """FastAPI dependency: one session per request, rolled back if the handler raises."""
    async with SessionLocal() as session:
        try:
            yield session
        except Exception:
            await session.rollback()
            raise


async def get_redis() -> redis.Redis:
    return redis_client


async def ping_dependencies() -> dict[str, bool]:
    """Used by /readyz: report each dependency instead of failing on the first."""
    status = {"db": False, "redis": False}
    try:
        async with engine.connect() as conn:
            await conn.exec_driver_sql("SELECT 1")
        status["db"] = True
    except Exception:
        logger.warning("readiness: database unreachable", exc_info=True)
    try:
        status["redis"] = bool(await redis_client.ping())
    except redis.RedisError:
        logger.warning("readiness: redis unreachable", exc_info=True)
    return status


async def close_all() -> None:
    await redis_client.aclose()
    await engine.dispose()
