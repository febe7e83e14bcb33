"""Service settings, read from ORCH_* environment variables."""
from functools import lru_cache

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ORCH_", env_file=".env", extra="ignore")

    environment: str = "production"
    debug: bool = False  # ok: SEC006

    database_url: str
    psycopg_dsn: str
    db_pool_size: int = 10
    db_connect_timeout: int = 5

    jwt_secret: str  # ok: SEC005
    jwt_issuer: str = "https://id.orchestra.example"
    jwt_audience: str = "season-tickets"
    jwt_algorithm: str = "HS256"

    payments_base_url: str = "https://api.payments.example/v1"
    payments_api_key: str = Field(repr=False)
    mailer_base_url: str = "https://mail.internal.orchestra.example"
    http_timeout_seconds: float = 10.0

    cors_origins: list[str] = ["https://tickets.orchestra.example", "https://boxoffice.orchestra.example"]
    hold_minutes: int = 12
    max_seats_per_patron: int = 8
    renewal_batch_size: int = 200
    export_dir: str = "/tmp/exports"

    @field_validator("jwt_algorithm")
    @classmethod
    def _known_algorithm(cls, value: str) -> str:
        if value not in {"HS256", "HS384", "HS512"}:
            raise ValueError("jwt_algorithm must be an HMAC algorithm")
        return value

    @field_validator("hold_minutes")
    @classmethod
    def _sane_hold(cls, value: int) -> int:
        if not 1 <= value <= 60:
            raise ValueError("hold_minutes must be between 1 and 60")
        return value

    @field_validator("cors_origins")
    @classmethod
    def _no_wildcard(cls, value: list[str]) -> list[str]:
        if "*" in value:
            raise ValueError("cors_origins must list explicit origins")
        return value


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
