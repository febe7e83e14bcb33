"""Settings, database engines and shared clients for the lift pass API."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import AsyncIterator, Iterator

import redis.asyncio as aioredis
from sqlalchemy import create_engine
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import Session, sessionmaker


def _csv(name: str) -> tuple[str, ...]:
    raw = os.environ.get(name, "")
    return tuple(part.strip() for part in raw.split(",") if part.strip())


@dataclass(frozen=True)
class Settings:
    database_url: str = field(
        default_factory=lambda: os.environ.get(
            "DATABASE_URL", "postgresql+asyncpg://lifts@localhost:5432/lifts"
        )
    )
    reporting_url: str = field(
        default_factory=lambda: os.environ.get(
            "REPORTING_DATABASE_URL", "postgresql+psycopg://lifts_ro@localhost:5432/lifts"
        )
    )
    redis_url: str = field(default_factory=lambda: os.environ.get("REDIS_URL", "redis://localhost:6379/0"))
    stripe_api_key: str = field(default_factory=lambda: os.environ.get("STRIPE_API_KEY", ""))
    stripe_webhook_secret: str = field(default_factory=lambda: os.environ.get("STRIPE_WEBHOOK_SECRET", ""))
    jwt_secret: str = field(default_factory=lambda: os.environ.get("JWT_SECRET", ""))
    jwt_audience: str = "lift-api"
    gate_keys_dir: str = field(default_factory=lambda: os.environ.get("GATE_KEYS_DIR", "/etc/lifts/gate-keys"))
    weather_url: str = field(default_factory=lambda: os.environ.get("WEATHER_URL", "https://weather.internal"))
    notify_url: str = field(default_factory=lambda: os.environ.get("NOTIFY_URL", "http://notify.lifts.svc:8080"))
    allowed_origins: tuple[str, ...] = field(default_factory=lambda: _csv("ALLOWED_ORIGINS"))
    debug: bool = field(default_factory=lambda: os.environ.get("APP_DEBUG", "0") == "1")  # ok: SEC006

    def validate(self) -> None:
        missing = [n for n in ("stripe_api_key", "jwt_secret") if not getattr(self, n)]
        if missing:
            raise RuntimeError(f"missing required settings: {', '.join(missing)}")


settings = Settings()

engine = create_async_engine(
    settings.database_url,
    pool_size=10,
    max_overflow=5,
    pool_pre_ping=True,
    connect_args={"timeout": 5, "command_timeout": 15},
)
SessionLocal = async_sessionmaker(engine, expire_on_commit=False)

# Read replica used by finance and ops reports. Sync on purpose: the report
# endpoints are plain `def` routes and run in the threadpool.
reporting_engine = create_engine(
    settings.reporting_url,
    pool_size=4,
    max_overflow=0,
    pool_pre_ping=True,
    connect_args={"connect_timeout": 5, "options": "-c statement_timeout=30000"},
)
ReportingSession = sessionmaker(reporting_engine)

redis_client = aioredis.from_url(
    settings.redis_url,
    socket_timeout=2,
    socket_connect_timeout=2,
    decode_responses=True,
)


async def get_session() -> AsyncIterator[AsyncSession]:
    async with SessionLocal() as session:
        yield session


def get_reporting_session() -> Iterator[Session]:
    with ReportingSession() as session:
        yield session


async def get_redis() -> aioredis.Redis:
    return redis_client
