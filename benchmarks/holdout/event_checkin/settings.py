"""Runtime configuration for the check-in service."""
from __future__ import annotations

from functools import lru_cache

from pydantic import Field, PostgresDsn, RedisDsn
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CHECKIN_", env_file=".env", extra="ignore")

    environment: str = "production"
    debug: bool = False

    database_url: PostgresDsn = Field(
        default="postgresql+asyncpg://checkin@localhost:5432/checkin",
    )
    sync_database_url: str = "postgresql+psycopg://checkin@localhost:5432/checkin"
    db_pool_size: int = 10
    db_max_overflow: int = 5
    db_pool_timeout: float = 5.0
    db_statement_timeout_ms: int = 5000

    redis_url: RedisDsn = Field(default="redis://localhost:6379/0")
    redis_socket_timeout: float = 2.0

    jwt_public_key_path: str = "/run/secrets/checkin_jwt.pub"
    jwt_audience: str = "checkin-gates"
    jwt_issuer: str = "https://auth.example-events.com/"

    qr_signing_key_path: str = "/run/secrets/qr_signing_key"

    badge_printer_queue: str = "badges"
    badge_template_dir: str = "/app/templates/badges"
    badge_print_timeout_s: float = 15.0
    photo_fetch_timeout_s: float = 5.0

    allowed_origins: list[str] = [
        "https://gates.example-events.com",
        "https://ops.example-events.com",
    ]

    live_count_channel_prefix: str = "event-counts"
    report_page_size: int = 200
    report_max_page_size: int = 1000


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()


def read_secret_file(path: str) -> bytes:
    with open(path, "rb") as fh:
        return fh.read().strip()


def statement_timeout_args(settings: Settings) -> dict:
    return {
        "server_settings": {
            "statement_timeout": str(settings.db_statement_timeout_ms),
            "application_name": "event-checkin",
        }
    }


def describe(settings: Settings) -> dict:
    """Non-secret view of the configuration, for the /info endpoint."""
    return {
        "environment": settings.environment,
        "debug": settings.debug,
        "pool_size": settings.db_pool_size,
        "printer_queue": settings.badge_printer_queue,
        "origins": list(settings.allowed_origins),
        "page_size": settings.report_page_size,
    }
