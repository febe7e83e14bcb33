"""Runtime settings, read once from CAMERAFIX_* environment variables."""
from functools import lru_cache

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CAMERAFIX_", env_file=".env", extra="ignore")

    debug: bool = False  # ok: SEC006
    environment: str = "production"

    database_url: str = "postgresql+psycopg://camerafix@localhost:5432/camerafix"
    db_pool_size: int = 10
    db_statement_timeout_ms: int = 15_000

    jwt_secret: SecretStr
    jwt_issuer: str = "camerafix"
    jwt_ttl_minutes: int = 60

    payment_base_url: str = "https://api.paywell.example/v1"
    payment_api_key: SecretStr
    payment_webhook_secret: SecretStr
    payment_timeout_s: float = 10.0

    courier_base_url: str = "https://api.parcelhop.example"
    courier_token_url: str = "https://auth.parcelhop.example/oauth/token"  # ok: SEC005
    courier_client_id: str = "camerafix"
    courier_client_secret: SecretStr

    supplier_catalogue_url: str = "https://trade.lensandshutter.example/catalogue.csv"

    cors_origins: list[str] = Field(
        default_factory=lambda: ["https://camerafix.example", "https://bench.camerafix.example"]
    )
    max_photo_bytes: int = 8 * 1024 * 1024

    @field_validator("jwt_ttl_minutes")
    @classmethod
    def _sane_ttl(cls, value):
        if not 5 <= value <= 24 * 60:
            raise ValueError("jwt_ttl_minutes must be between 5 and 1440")
        return value

    @field_validator("cors_origins")
    @classmethod
    def _no_wildcard(cls, value):
        if "*" in value:
            raise ValueError("cors_origins must list explicit origins")
        return value


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
