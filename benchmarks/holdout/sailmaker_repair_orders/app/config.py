"""Application settings, read once from the environment at startup."""
from functools import lru_cache

from pydantic import AnyHttpUrl, Field, PostgresDsn, RedisDsn, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SAILS_", env_file=".env", extra="ignore")

    environment: str = "production"
    debug: bool = False
    database_url: PostgresDsn
    database_pool_size: int = Field(default=10, ge=1, le=50)
    redis_url: RedisDsn = "redis://redis:6379/0"

    jwt_secret: SecretStr
    jwt_issuer: str = "sailmaker-api"
    jwt_audience: str = "sailmaker-clients"
    access_token_minutes: int = 60

    s3_bucket: str = "sailmaker-damage-photos"
    s3_region: str = "eu-west-1"
    max_photo_bytes: int = 15 * 1024 * 1024
    allowed_photo_types: tuple[str, ...] = ("image/jpeg", "image/png", "image/heic")

    chandlery_base_url: AnyHttpUrl = "https://api.chandlery-partner.example.com"
    chandlery_api_key: SecretStr = SecretStr("")
    yard_base_url: AnyHttpUrl = "https://yard.example-marina.com/api"
    yard_api_token: SecretStr = SecretStr("")
    payments_base_url: AnyHttpUrl = "https://api.payments.example.com"
    payments_secret_key: SecretStr = SecretStr("")
    payments_webhook_secret: SecretStr = SecretStr("")

    cors_origins: list[str] = ["https://portal.sailmaker.example.com"]
    workshop_hours_per_day: float = 7.5
    workshop_benches: int = 3

    @field_validator("environment")
    @classmethod
    def known_environment(cls, value: str) -> str:
        if value not in {"production", "staging", "development", "test"}:
            raise ValueError(f"unknown environment {value!r}")
        return value

    @property
    def is_production(self) -> bool:
        return self.environment == "production"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Return the process-wide settings object (built on first use)."""
    return Settings()


def redis_settings():
    """arq connection settings derived from the Redis URL."""
    from arq.connections import RedisSettings

    return RedisSettings.from_dsn(str(get_settings().redis_url))


def deposit_percentage(quote_total_pence: int) -> int:
    """Deposit required before work starts: 30 % of the quote, at least 50 GBP."""
    return max(5000, (quote_total_pence * 30 + 99) // 100)
