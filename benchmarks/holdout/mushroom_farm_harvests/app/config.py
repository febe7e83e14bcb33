"""Settings for the harvest API and its workers, read once from HARVEST_* variables."""

from functools import lru_cache

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="HARVEST_", env_file=".env", secrets_dir="/run/secrets", extra="ignore"
    )

    environment: str = "production"
    debug: bool = False  # ok: SEC006
    log_level: str = "INFO"

    database_url: str = "postgresql+psycopg://harvest@localhost:5432/harvest"
    db_pool_size: int = 10
    redis_url: str = "redis://localhost:6379/0"

    # Signing key for buyer and grower access tokens; no default on purpose.
    jwt_secret: SecretStr
    jwt_ttl_minutes: int = 60

    price_feed_url: str = "https://prices.buyers-exchange.example/api/v2"
    price_feed_token: SecretStr = SecretStr("")
    price_cache_seconds: int = 900

    alert_webhook_url: str = "https://hooks.farm-ops.example/alerts"
    cors_origins: list[str] = Field(default_factory=lambda: ["https://buyers.mushroomfarm.example"])

    reading_batch_max_bytes: int = 256 * 1024
    reading_batch_max_items: int = 500
    rollup_bucket_minutes: int = 5

    @field_validator("jwt_secret")
    @classmethod
    def _secret_long_enough(cls, value: SecretStr) -> SecretStr:
        if len(value.get_secret_value()) < 32:
            raise ValueError("HARVEST_JWT_SECRET must be at least 32 characters")
        return value

    @field_validator("cors_origins")
    @classmethod
    def _no_wildcard_origin(cls, value: list[str]) -> list[str]:
        if "*" in value:
            raise ValueError("HARVEST_CORS_ORIGINS must list explicit origins")
        return value


@lru_cache(maxsize=1)  # ok: RES002
def get_settings() -> Settings:
    return Settings()
