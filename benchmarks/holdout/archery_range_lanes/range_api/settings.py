"""Service settings, read once from RANGE_* environment variables."""
from functools import lru_cache

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="RANGE_",
        env_file=".env",
        extra="ignore",
        secrets_dir="/run/secrets",
    )

    database_url: str = "postgresql+asyncpg://range@localhost:5432/range"
    db_pool_size: int = Field(default=10, ge=1, le=50)
    db_statement_timeout_ms: int = 15000

    jwt_secret: SecretStr
    jwt_issuer: str = "range-api"
    access_token_minutes: int = Field(default=30, ge=5, le=240)
    refresh_token_days: int = Field(default=14, ge=1, le=60)

    processor_base_url: str = "https://api.cardvault.example.com"
    processor_api_key: SecretStr
    processor_timeout_seconds: float = 10.0

    waiver_service_url: str = "http://waivers.range.svc.cluster.local:8080"
    postmark_token: SecretStr | None = None
    mail_from: str = "Bullseye Range <frontdesk@bullseye-range.example>"

    allowed_origins: list[str] = ["https://bullseye-range.example", "https://app.bullseye-range.example"]
    membership_price_cents: dict[str, int] = {"individual": 18000, "family": 32000, "junior": 9000}
    hold_minutes: int = Field(default=15, ge=5, le=60)
    debug: bool = False

    @field_validator("database_url")
    @classmethod
    def require_async_driver(cls, value: str) -> str:
        if not value.startswith("postgresql+asyncpg://"):
            raise ValueError("database_url must use the postgresql+asyncpg driver")
        return value

    @field_validator("allowed_origins")
    @classmethod
    def no_wildcard_origin(cls, value: list[str]) -> list[str]:
        if "*" in value:
            raise ValueError("allowed_origins must list each origin explicitly")
        return value


@lru_cache(maxsize=1)  # ok: RES002
def get_settings() -> Settings:
    """One Settings instance per process; also used as a FastAPI dependency."""
    return Settings()
