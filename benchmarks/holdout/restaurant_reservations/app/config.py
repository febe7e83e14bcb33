"""Runtime settings for the reservations service.

Everything is read from the environment (or a .env file in local development)
once at startup and validated by pydantic.
"""
from functools import lru_cache

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_prefix="RESV_", extra="ignore")

    environment: str = "production"
    debug: bool = False

    database_url: str = "postgresql+asyncpg://resv@localhost:5432/reservations"
    report_database_url: str = "postgresql+psycopg://resv@localhost:5432/reservations"
    redis_url: str = "redis://localhost:6379/0"

    stripe_api_key: SecretStr = Field(default=SecretStr(""))  # ok: SEC005
    stripe_webhook_secret: SecretStr = Field(default=SecretStr(""))
    deposit_per_cover_cents: int = 1500
    no_show_fee_cents: int = 2500
    currency: str = "eur"

    sms_base_url: str = "https://api.sms-gateway.example.com/2010-04-01"
    sms_account_sid: str = ""
    sms_auth_token: SecretStr = Field(default=SecretStr(""))
    sms_from_number: str = ""
    sms_timeout_seconds: float = 8.0
    sms_max_attempts: int = 3

    partner_jwks_url: str = "https://partners.tablebook.example.com/.well-known/jwks.json"
    partner_audience: str = "reservations-api"

    jwt_signing_key: SecretStr = Field(default=SecretStr(""))
    jwt_algorithm: str = "HS256"
    jwt_ttl_minutes: int = 60 * 8

    allowed_origins: list[str] = ["https://book.example-bistro.com", "https://staff.example-bistro.com"]
    reminder_lead_hours: int = 24
    report_dir: str = "/var/lib/reservations/reports"


@lru_cache(maxsize=1)  # ok: RES002
def get_settings() -> Settings:  # ok: MNT002
    return Settings()
