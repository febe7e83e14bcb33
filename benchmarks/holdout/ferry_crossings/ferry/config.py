"""Runtime settings for the ferry booking API.

Values come from the environment (and an optional .env file during local
development). Secrets are declared here but never given values.
"""
from __future__ import annotations

from functools import lru_cache

from pydantic import Field, PostgresDsn, RedisDsn
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="FERRY_", env_file=".env", extra="ignore")

    environment: str = "production"
    debug: bool = False  # ok: SEC006
    log_level: str = "INFO"

    # Primary database (asyncpg) and the read replica used by worker jobs.
    database_url: PostgresDsn
    database_pool_size: int = 10
    database_max_overflow: int = 5
    worker_database_url: PostgresDsn | None = None

    redis_url: RedisDsn = "redis://localhost:6379/0"
    redis_socket_timeout: float = 2.0

    stripe_api_key: str = Field(..., repr=False)  # ok: SEC005
    stripe_webhook_secret: str = Field(..., repr=False)
    stripe_max_network_retries: int = 2

    jwt_public_key: str = Field(..., repr=False)
    jwt_audience: str = "ferry-api"
    jwt_issuer: str = "https://id.example-ferries.com/"

    sms_gateway_url: str = "https://sms.example-gateway.net/v2/messages"
    sms_gateway_token: str = Field(..., repr=False)
    mail_api_url: str = "https://api.example-mail.net/email"
    mail_api_token: str = Field(..., repr=False)
    link_shortener_url: str = "https://go.example-ferries.com/api/links"
    outbound_connect_timeout: float = 3.0
    outbound_read_timeout: float = 10.0

    weather_feed_url: str = "https://marine.example-met.gov/api/warnings"
    weather_poll_seconds: int = 300

    hold_minutes: int = 15
    vehicle_gap_m: float = 0.5
    cors_origins: list[str] = ["https://book.example-ferries.com"]

    @property
    def is_production(self) -> bool:
        return self.environment == "production"

    @property
    def sync_database_url(self) -> str:
        # Worker jobs use the psycopg driver; fall back to the primary.
        url = str(self.worker_database_url or self.database_url)
        return url.replace("+asyncpg", "+psycopg")


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
