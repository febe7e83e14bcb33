from functools import lru_cache

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """All runtime configuration, read once from the environment (MARKET_*)."""

    model_config = SettingsConfigDict(env_prefix="MARKET_", env_file=".env", extra="ignore")

    environment: str = "production"
    debug: bool = False

    database_dsn: SecretStr
    db_pool_min: int = Field(default=2, ge=1)
    db_pool_max: int = Field(default=15, ge=1, le=100)
    db_statement_timeout_ms: int = 5000

    jwt_secret: SecretStr  # ok: SEC005
    jwt_issuer: str = "market-auth"
    jwt_audience: str = "market-api"
    token_ttl_minutes: int = 60

    payments_base_url: str = "https://api.paystall.example/v1"
    payments_api_key: SecretStr
    payments_timeout_seconds: float = 10.0

    sms_base_url: str = "https://api.twilio.com/2010-04-01"
    sms_account_sid: str
    sms_auth_token: SecretStr
    sms_from_number: str
    sms_daily_limit_per_phone: int = 5

    media_service_url: str = "http://media.market.svc.cluster.local:8080"
    media_dir: str = "/var/lib/market/media"
    max_photo_bytes: int = 5 * 1024 * 1024

    open_data_url: str = "https://data.cityofriverside.example/api/market-weekly"

    allowed_origins: list[str] = ["https://stalls.riversidemarket.example"]

    @field_validator("environment")
    @classmethod
    def _known_environment(cls, value: str) -> str:
        if value not in {"production", "staging", "development"}:
            raise ValueError(f"unknown environment {value!r}")
        return value

    @field_validator("allowed_origins")
    @classmethod
    def _no_wildcard(cls, value: list[str]) -> list[str]:
        if "*" in value:
            raise ValueError("allowed_origins must list explicit origins")
        return value

    @model_validator(mode="after")
    def _pool_bounds(self) -> "Settings":
        if self.db_pool_max < self.db_pool_min:
            raise ValueError("db_pool_max must be >= db_pool_min")
        if self.debug and self.environment == "production":
            raise ValueError("debug cannot be enabled in production")
        return self


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
