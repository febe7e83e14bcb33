"""Runtime settings for the rink API.

Everything is read once from the environment (or a local .env file when
developing) and validated by pydantic, so a missing secret fails at startup
with a readable message rather than deep inside a request.
"""
from functools import lru_cache
from pathlib import Path

from pydantic import AnyHttpUrl, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="RINK_", env_file=".env", extra="ignore")

    environment: str = "production"
    debug: bool = False

    database_url: str = "postgresql+asyncpg://rink@localhost:5432/rink"
    db_pool_size: int = Field(default=10, ge=1, le=50)
    db_pool_timeout_s: float = 10.0

    jwt_secret: SecretStr
    jwt_ttl_minutes: int = 60

    payments_base_url: AnyHttpUrl = "https://api.payments.example.com/v2"
    payments_api_key: SecretStr
    payments_timeout_s: float = 10.0

    zamboni_vendor_url: AnyHttpUrl = "https://fleet.icecare-vendor.example.com/api"
    zamboni_vendor_token: SecretStr
    gate_api_token: SecretStr

    # Mounted PersistentVolume shared by every replica (see k8s/deployment.yaml).
    shared_media_dir: Path = Path("/srv/rink-media")
    photo_dir: Path = Path("/srv/rink-media/zamboni")
    max_photo_bytes: int = 8 * 1024 * 1024

    rental_printer_host: str = "slip-printer.rink.local"
    rental_printer_port: int = 9100

    cors_origins: list[str] = ["https://tickets.northside-rink.example.com"]

    @field_validator("environment")
    @classmethod
    def known_environment(cls, value: str) -> str:
        allowed = {"production", "staging", "development", "test"}
        if value not in allowed:
            raise ValueError(f"environment must be one of {sorted(allowed)}")
        return value

    @field_validator("debug")
    @classmethod
    def no_debug_in_production(cls, value: bool, info) -> bool:
        if value and info.data.get("environment") == "production":
            raise ValueError("debug cannot be enabled in production")
        return value

    @property
    def is_production(self) -> bool:
        return self.environment == "production"


@lru_cache
def get_settings() -> Settings:
    """Build the settings once per process; tests override via dependency_overrides."""
    return Settings()
