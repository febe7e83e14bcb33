"""Application settings, read once at startup from the environment."""
from functools import lru_cache

from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="TICKETS_", env_file=".env", extra="ignore")

    environment: str = "production"
    debug: bool = False

    # Database
    database_url: SecretStr
    db_pool_min_size: int = 2
    db_pool_max_size: int = 20
    db_command_timeout: float = 10.0

    # Payments
    stripe_api_key: SecretStr
    stripe_webhook_secret: SecretStr
    currency: str = "eur"

    # Visitor and staff tokens
    jwt_secret: SecretStr
    jwt_algorithm: str = "HS256"
    jwt_issuer: str = "tickets.museum.example"
    visitor_token_ttl_minutes: int = 60 * 24

    # Signed QR payloads printed on tickets
    qr_signing_key: SecretStr

    # Membership CRM
    membership_api_url: str = "https://crm.museum.example/api/v2"
    membership_api_token: SecretStr
    membership_timeout_seconds: float = 3.0

    # Transactional e-mail
    mail_api_url: str = "https://mail.museum.example/v1"
    mail_api_token: SecretStr
    mail_from: str = "tickets@museum.example"

    # Business rules
    hold_minutes: int = 10
    refund_cutoff_hours: int = 24
    cancellation_fee_percent: int = 10
    max_tickets_per_order: int = 10
    gate_scan_rate_per_minute: int = 120
    gate_early_entry_minutes: int = 15


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
