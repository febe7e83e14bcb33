"""Application settings, validated once from the environment (prefix ``DIVE_``)."""

from __future__ import annotations

from functools import lru_cache

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="DIVE_", env_file=".env", extra="ignore")

    environment: str = "production"
    debug: bool = False  # ok: SEC006

    database_url: str = "postgresql+psycopg://dive@localhost:5432/dive"
    redis_url: str = "redis://localhost:6379/0"

    jwt_secret: SecretStr  # ok: SEC005
    session_cookie_name: str = "dive_session"
    session_ttl_hours: int = Field(default=24, ge=1, le=24 * 14)

    stripe_secret_key: SecretStr
    stripe_webhook_secret: SecretStr
    currency: str = "eur"
    deposit_percent: int = Field(default=30, ge=0, le=100)

    agency_base_url: str = "https://api.dive-training-agency.example/v3"
    agency_api_key: SecretStr
    forecast_base_url: str = "https://marine.forecast.example/api"
    mail_api_url: str = "https://mail.example.net"
    mail_api_token: SecretStr
    payroll_upload_url: str = "https://payroll.example.net/imports"
    payroll_api_token: SecretStr

    http_timeout_seconds: float = Field(default=10.0, gt=0, le=60)
    cors_origins: list[str] = ["https://book.bluewater-dive.example"]
    medical_upload_dir: str = "/var/lib/divecentre/medical"
    max_medical_upload_bytes: int = 5 * 1024 * 1024
    max_wave_height_m: float = 2.0
    max_wind_knots: float = 22.0

    @field_validator("currency")
    @classmethod
    def lower_currency(cls, value: str) -> str:
        return value.lower()

    @field_validator("cors_origins")
    @classmethod
    def no_wildcards(cls, value: list[str]) -> list[str]:
        if any(origin.strip() == "*" for origin in value):
            raise ValueError("cors_origins must list explicit origins")
        return value

    @property
    def is_production(self) -> bool:
        return self.environment == "production"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Settings are read once per process; tests override via ``app.dependency_overrides``."""
    return Settings()
