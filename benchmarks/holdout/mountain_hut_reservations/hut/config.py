"""Runtime configuration, read from the environment once at startup."""
import os
from dataclasses import dataclass, field

import aiohttp
import asyncpg
import redis.asyncio as aioredis
from aiohttp import web


def _env(name: str, default: str | None = None) -> str:
    value = os.environ.get(name, default)
    if value is None:
        raise RuntimeError(f"missing required environment variable {name}")
    return value


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    return int(raw) if raw else default


def _env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class Config:
    database_dsn: str
    redis_url: str
    smtp_host: str
    smtp_port: int
    smtp_username: str
    smtp_password: str
    mail_from: str
    sms_api_url: str
    sms_api_key: str
    bulletin_url: str
    park_authority_url: str
    park_authority_token: str
    session_secret: str
    debug: bool = False
    db_pool_min: int = 2
    db_pool_max: int = 10
    max_body_bytes: int = 1024 * 1024
    bulletin_regions: tuple[str, ...] = field(default_factory=lambda: ("AT-07", "CH-4", "IT-32-BZ"))

    @classmethod
    def from_env(cls) -> "Config":
        return cls(
            database_dsn=_env("HUT_DATABASE_DSN"),
            redis_url=_env("HUT_REDIS_URL", "redis://localhost:6379/0"),
            smtp_host=_env("HUT_SMTP_HOST", "smtp.mailgun.org"),
            smtp_port=_env_int("HUT_SMTP_PORT", 587),
            smtp_username=_env("HUT_SMTP_USERNAME", ""),
            smtp_password=_env("HUT_SMTP_PASSWORD", ""),
            mail_from=_env("HUT_MAIL_FROM", "Huettenbuchung <buchung@huetten.example.org>"),
            sms_api_url=_env("HUT_SMS_API_URL", "https://api.sms-gateway.example.com/v1/messages"),
            sms_api_key=_env("HUT_SMS_API_KEY", ""),
            bulletin_url=_env("HUT_BULLETIN_URL", "https://static.avalanche.report/bulletins"),
            park_authority_url=_env("HUT_PARK_AUTHORITY_URL", "https://meldung.nationalpark.example.org/api"),
            park_authority_token=_env("HUT_PARK_AUTHORITY_TOKEN", ""),
            session_secret=_env("HUT_SESSION_SECRET"),
            debug=_env_bool("HUT_DEBUG", False),  # ok: SEC006
            db_pool_min=_env_int("HUT_DB_POOL_MIN", 2),
            db_pool_max=_env_int("HUT_DB_POOL_MAX", 10),
        )


CONFIG = web.AppKey("config", Config)
DB = web.AppKey("db", asyncpg.Pool)
REDIS = web.AppKey("redis", aioredis.Redis)
HTTP = web.AppKey("http", aiohttp.ClientSession)
