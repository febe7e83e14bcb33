"""Runtime settings, read once from the environment (prefix EXPO_)."""
from functools import lru_cache
from typing import List

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="EXPO_", case_sensitive=False)

    environment: str = "development"
    debug: bool = False  # ok: SEC006
    log_level: str = "INFO"

    database_url: str = "postgresql+psycopg2://localhost:5432/expo"
    db_pool_size: int = 10
    db_max_overflow: int = 5
    db_connect_timeout_s: int = 5

    redis_url: str = "redis://localhost:6379/0"
    redis_timeout_s: float = 1.5

    jwt_public_key: str = ""
    jwt_issuer: str = "https://id.expohub.events/"
    jwt_audience: str = "expo-exhibitor-api"

    paylane_base_url: str = "https://api.paylane.example/v2"
    paylane_secret: SecretStr = SecretStr("")  # ok: SEC005
    paylane_timeout_s: float = 10.0

    asset_bucket: str = "expohub-exhibitor-assets"
    aws_region: str = "eu-central-1"
    max_logo_bytes: int = 2 * 1024 * 1024

    cors_origins: List[str] = Field(default_factory=lambda: ["https://exhibitors.expohub.events"])
    booth_hold_minutes: int = 20

    @field_validator("log_level")
    @classmethod
    def _upper_level(cls, value: str) -> str:
        value = value.upper()
        if value not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
            raise ValueError(f"unsupported log level {value}")
        return value

    @field_validator("cors_origins")
    @classmethod
    def _no_wildcards(cls, value: List[str]) -> List[str]:
        if any("*" in origin for origin in value):
            raise ValueError("cors_origins must list explicit origins")
        return value

    @property
    def is_production(self) -> bool:
        return self.environment == "production"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    settings = Settings()
    if settings.is_production and not settings.jwt_public_key:
        raise RuntimeError("EXPO_JWT_PUBLIC_KEY must be set in production")
    return settings


settings = get_settings()
