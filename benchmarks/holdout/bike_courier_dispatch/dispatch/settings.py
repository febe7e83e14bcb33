"""Settings for the dispatch API, the notifier and scripts (env prefix ``DISPATCH_``)."""
from functools import lru_cache

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="DISPATCH_", env_file=".env", extra="ignore")

    debug: bool = False
    log_level: str = "INFO"

    database_url: str = "postgresql+psycopg://dispatch@localhost:5432/dispatch"
    db_pool_size: int = Field(10, ge=1, le=50)
    redis_url: str = "redis://localhost:6379/0"

    # Courier app tokens are RS256; keys are published as {"kid": "PEM", ...}.
    jwt_public_keys: str = "{}"
    jwt_audience: str = "courier-app"
    jwt_issuer: str = "https://auth.pedalpost.example"

    geocoder_base_url: str = "https://geocode.mapsprovider.example/v1"
    geocoder_api_key: SecretStr = SecretStr("")
    geocoder_country: str = "us"
    routing_base_url: str = "https://routing.mapsprovider.example"
    routing_api_key: SecretStr = SecretStr("")

    allowed_origins: list[str] = ["https://console.pedalpost.example", "https://track.pedalpost.example"]
    pings_stream: str = "courier-pings"
    pings_stream_maxlen: int = 2_000_000
    max_fixes_per_batch: int = Field(120, ge=1, le=1000)

    @field_validator("database_url")
    @classmethod
    def _postgres_only(cls, value: str) -> str:
        if not value.startswith("postgresql"):
            raise ValueError("dispatch needs PostgreSQL (row locks and regexp_replace are used)")
        return value

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        value = value.upper()
        if value not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
            raise ValueError(f"unknown log level {value}")
        return value


@lru_cache  # ok: RES002
def get_settings() -> Settings:
    """Settings are read once per process; tests call ``get_settings.cache_clear()``."""
    return Settings()
