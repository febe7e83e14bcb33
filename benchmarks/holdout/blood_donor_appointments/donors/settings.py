"""Runtime settings, read once from the environment (prefix DONORS_)."""
import os
from functools import lru_cache

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="DONORS_", env_file=os.environ.get("DONORS_SETTINGS_FILE", ".env"), extra="ignore"
    )

    database_url: str
    redis_url: str = "redis://localhost:6379/0"
    debug: bool = False
    cors_origins: list[str] = ["https://donate.bloodservice.example", "https://staff.bloodservice.example"]

    jwt_secret: SecretStr
    jwt_ttl_minutes: int = 60
    password_pepper: SecretStr = SecretStr("")

    hospital_feed_url: str = "https://stockfeed.hospitals.example/api"
    hospital_feed_token: SecretStr = SecretStr("")
    hospital_ca_bundle: str | None = None
    hospital_codes: list[str] = Field(default_factory=list)

    sms_api_url: str = "https://api.textgateway.example"
    sms_api_key: SecretStr = SecretStr("")

    reminder_hours_before: int = 24
    stock_refresh_seconds: int = 300

    # Donor eligibility rules
    min_age: int = 17
    max_first_time_age: int = 65
    min_weight_kg: float = 50.0
    min_days_between_donations: int = 84

    @field_validator("database_url")
    @classmethod
    def _postgres_only(cls, value: str) -> str:
        if not value.startswith(("postgresql://", "postgresql+psycopg2://")):
            raise ValueError("database_url must be a PostgreSQL URL")
        return value

    @field_validator("jwt_secret")
    @classmethod
    def _long_secret(cls, value: SecretStr) -> SecretStr:
        if len(value.get_secret_value()) < 32:
            raise ValueError("jwt_secret must be at least 32 characters")
        return value

    @field_validator("reminder_hours_before", "stock_refresh_seconds")
    @classmethod
    def _positive(cls, value: int) -> int:
        if value <= 0:
            raise ValueError("must be positive")
        return value


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
