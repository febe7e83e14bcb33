"""Settings, read once from ORCHARD_* environment variables (and secret files)."""
import os
from functools import lru_cache

from pydantic import SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="ORCHARD_",
        extra="ignore",
        secrets_dir=os.environ.get("ORCHARD_SECRETS_DIR"),
    )

    debug: bool = False
    database_url: str = "postgresql+psycopg2://localhost:5432/orchard"
    redis_url: str = "redis://localhost:6379/0"

    jwt_secret: SecretStr = SecretStr("")
    jwt_algorithm: str = "HS256"
    access_token_minutes: int = 60
    password_pepper: SecretStr = SecretStr("")

    weather_api_url: str = "https://api.fieldweather.example/v3"
    weather_api_key: SecretStr = SecretStr("")
    frost_api_url: str = "https://alerts.fieldweather.example/v1"

    ledger_url: str = "https://ledger.valleygrowers.example/api"
    ledger_token: SecretStr = SecretStr("")

    cors_origins: list[str] = [
        "https://pick.sunnyslope.example",
        "https://staff.sunnyslope.example",
    ]
    export_dir: str = "/var/lib/orchard/exports"
    crate_deposit_cents: int = 800
    max_party_size: int = 8

    @field_validator("jwt_algorithm")
    @classmethod
    def _known_algorithm(cls, value: str) -> str:
        if value not in {"HS256", "HS384", "HS512"}:
            raise ValueError("jwt_algorithm must be an HMAC algorithm")
        return value

    @model_validator(mode="after")
    def _secrets_present(self):
        if not self.debug and len(self.jwt_secret.get_secret_value()) < 32:
            raise ValueError("ORCHARD_JWT_SECRET must be set (32+ characters) outside debug mode")
        return self


@lru_cache  # ok: RES002
def get_settings() -> Settings:
    return Settings()
