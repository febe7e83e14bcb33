"""Settings, async engine and session helpers shared by the API and the jobs."""
from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import lru_cache

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import DeclarativeBase


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CAMPSITE_", env_file=".env", extra="ignore")

    database_url: str = "postgresql+asyncpg://campsite@localhost:5432/campsite"
    db_pool_size: int = 10
    db_max_overflow: int = 5

    gateway_base_url: str = "https://api.paygate.example/v2"
    gateway_api_key: str = Field(default="", repr=False)
    gateway_timeout_seconds: float = 8.0

    jwt_issuer: str = "https://auth.campsite.example/"
    jwt_audience: str = "campsite-api"
    jwks_url: str = "https://auth.campsite.example/.well-known/jwks.json"

    allowed_origins: list[str] = ["https://book.campsite.example"]
    debug: bool = False
    deposit_percent: int = 25
    hold_minutes: int = 15
    fire_restrictions_url: str = "https://fire-info.example.gov/api/v1"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()


class Base(DeclarativeBase):
    pass


_settings = get_settings()

engine = create_async_engine(
    _settings.database_url,
    pool_size=_settings.db_pool_size,
    max_overflow=_settings.db_max_overflow,
    pool_pre_ping=True,
    pool_timeout=10,
    connect_args={"timeout": 5, "command_timeout": 15},
)

SessionLocal = async_sessionmaker(engine, expire_on_commit=False, class_=AsyncSession)


async def get_session() -> AsyncIterator[AsyncSession]:
    """FastAPI dependency: one session per request, rolled back on error."""
    async with SessionLocal() as session:
        try:
            yield session
        except Exception:
            await session.rollback()
            raise


@asynccontextmanager
async def session_scope() -> AsyncIterator[AsyncSession]:
    """For jobs and workers that run outside a request."""
    async with SessionLocal() as session:
        try:
            yield session
        except Exception:
            await session.rollback()
            raise
