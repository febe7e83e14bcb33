"""Settings, database engine, redis client and request-scoped logging context."""
import logging
from contextvars import ContextVar
from functools import lru_cache
from typing import AsyncIterator

import redis.asyncio as aioredis
from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="DISPATCH_", env_file=".env", extra="ignore")

    database_url: str
    redis_url: str = "redis://redis:6379/0"
    jwt_secret: SecretStr
    jwt_issuer: str = "sparkle-dispatch"
    access_token_ttl_minutes: int = 30
    payments_base_url: str = "https://api.payments.example.com/v1"
    payments_api_key: SecretStr
    sms_base_url: str = "https://api.textrelay.example/v2"
    sms_api_key: SecretStr
    geocoder_url: str = "https://geo.example.org/v1/search"
    upload_dir: str = "/var/lib/dispatch/uploads"
    max_upload_bytes: int = 8 * 1024 * 1024
    debug: bool = False
    log_level: str = "INFO"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()


settings = get_settings()

request_id_var: ContextVar[str] = ContextVar("request_id", default="-")


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        return True


def configure_logging() -> None:
    handler = logging.StreamHandler()
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(
        logging.Formatter("%(asctime)s %(levelname)s %(name)s [req=%(request_id)s] %(message)s")
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(settings.log_level)


engine = create_async_engine(
    settings.database_url,
    pool_size=10,
    max_overflow=5,
    pool_timeout=10,
    pool_pre_ping=True,
    connect_args={"timeout": 5, "command_timeout": 15},
)
SessionLocal = async_sessionmaker(engine, expire_on_commit=False)

redis_client = aioredis.from_url(
    settings.redis_url,
    socket_timeout=2,
    socket_connect_timeout=2,
    health_check_interval=30,
    decode_responses=True,
)


async def get_session() -> AsyncIterator[AsyncSession]:
    async with SessionLocal() as session:
        yield session
