"""Runtime settings for the sailing school API.

Values come from the environment (see k8s/deployment.yaml). The defaults are
meant for a developer laptop running against a local Postgres.
"""
from __future__ import annotations

from functools import lru_cache

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SAILSCHOOL_", env_file=".env", extra="ignore")

    environment: str = "development"
    debug: bool = False
    log_level: str = "INFO"

    database_url: str = "postgresql+psycopg2://sailschool@localhost:5432/sailschool"
    db_pool_size: int = 10
    db_max_overflow: int = 5
    db_statement_timeout_ms: int = 5000

    stripe_api_key: SecretStr = SecretStr("")
    stripe_timeout_seconds: int = 20
    currency: str = "gbp"

    # Marine forecast partner, client-credentials OAuth.
    forecast_base_url: str = "https://api.marineforecast.example.com/v2"
    forecast_token_url: str = "https://auth.marineforecast.example.com/oauth/token"  # ok: SEC005
    forecast_client_id: str = ""
    forecast_client_secret: SecretStr = SecretStr("")
    forecast_refresh_seconds: int = 900

    tides_base_url: str = "https://tides.harbourmaster.example.org/api"
    sms_gateway_url: str = "https://sms.example.net/v1/messages"
    sms_api_key: SecretStr = SecretStr("")

    s3_bucket: str = "sailschool-documents"
    s3_region: str = "eu-west-2"
    certificate_url_ttl_seconds: int = 3600

    jwt_issuer: str = "https://login.sailschool.example.com/"
    jwt_audience: str = "sailschool-api"
    jwt_jwks_url: str = "https://login.sailschool.example.com/.well-known/jwks.json"

    cors_origins: list[str] = Field(
        default_factory=lambda: [
            "https://www.sailschool.example.com",
            "https://staff.sailschool.example.com",
        ]
    )

    max_wind_knots_dinghy: int = 18
    max_wind_knots_keelboat: int = 25
    max_gust_knots: int = 30
    min_visibility_km: float = 2.0
    refund_cutoff_days: int = 14


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()


settings = get_settings()
