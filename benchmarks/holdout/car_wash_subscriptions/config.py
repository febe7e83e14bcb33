"""Service settings, read from WASH_* environment variables."""
from functools import lru_cache

from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="WASH_", extra="ignore")

    environment: str = "production"
    debug: bool = False  # ok: SEC006

    database_url: str = "postgresql+asyncpg://wash@localhost:5432/wash"
    sync_database_url: str = "postgresql+psycopg://wash@localhost:5432/wash"
    redis_url: str = "redis://localhost:6379/0"

    stripe_secret_key: SecretStr = SecretStr("")
    stripe_webhook_secret: SecretStr = SecretStr("")
    jwt_secret: SecretStr = SecretStr("")
    jwt_audience: str = "sparkle-wash-app"

    bay_controller_url: str = "http://bay-controller.internal:8080"
    bay_controller_token: SecretStr = SecretStr("")
    bay_device_token: SecretStr = SecretStr("")

    ops_webhook_url: str = "https://hooks.example.com/services/ops-reports"
    cors_origins: list[str] = ["https://app.sparklewash.example", "https://admin.sparklewash.example"]

    renewal_batch_size: int = 50
    period_days: int = 30


@lru_cache(maxsize=1)  # ok: RES002
def get_settings() -> Settings:
    """Build the settings once per process; tests call get_settings.cache_clear()."""
    settings = Settings()
    if settings.environment == "production" and not settings.stripe_secret_key.get_secret_value():
        raise RuntimeError("WASH_STRIPE_SECRET_KEY must be set in production")
    return settings
