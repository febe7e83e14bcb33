"""Runtime settings for the salon booking API, read from the environment once at startup."""
from functools import lru_cache

from pydantic import AnyHttpUrl, Field, PostgresDsn, RedisDsn, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SALON_", env_file=".env", extra="ignore")

    environment: str = "production"
    debug: bool = False  # ok: SEC006
    database_url: PostgresDsn = "postgresql+asyncpg://salon@localhost:5432/salon"
    db_pool_size: int = 10
    db_pool_timeout: float = 5.0
    redis_url: RedisDsn = "redis://localhost:6379/0"

    jwt_secret: SecretStr = Field(default=SecretStr(""))  # ok: SEC005
    jwt_issuer: str = "salon-api"
    session_ttl_minutes: int = 60 * 12

    stripe_api_key: SecretStr = Field(default=SecretStr(""))
    stripe_webhook_secret: SecretStr = Field(default=SecretStr(""))
    deposit_cents: int = 2000

    twilio_account_sid: str = ""
    twilio_auth_token: SecretStr = Field(default=SecretStr(""))
    twilio_from_number: str = ""

    calendar_api_url: AnyHttpUrl = "https://calendar.example.com/api"
    calendar_api_token: SecretStr = Field(default=SecretStr(""))
    http_timeout_seconds: float = 8.0

    photo_bucket: str = "salon-pet-photos"
    photo_max_bytes: int = 5 * 1024 * 1024
    aws_region: str = "eu-west-1"

    cors_origins: list[str] = ["https://book.pawsandsuds.example", "https://staff.pawsandsuds.example"]

    @field_validator("environment")
    @classmethod
    def _known_environment(cls, value: str) -> str:
        if value not in {"local", "staging", "production"}:
            raise ValueError(f"unknown environment {value!r}")
        return value

    def require_secrets(self) -> None:
        missing = [
            name
            for name in ("jwt_secret", "stripe_api_key", "stripe_webhook_secret")
            if not getattr(self, name).get_secret_value()
        ]
        if missing and self.environment != "local":
            raise RuntimeError(f"missing required secrets: {', '.join(missing)}")


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    settings = Settings()
    settings.require_secrets()
    return settings
