"""Box office settings, read once from BOXOFFICE_* environment variables."""
from functools import lru_cache

from pydantic import AnyHttpUrl, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="BOXOFFICE_", env_file=".env", extra="ignore")

    environment: str = "production"
    debug: bool = False
    venue_code: str = "lantern-hall"

    database_url: str = "postgresql+asyncpg://boxoffice@localhost:5432/boxoffice"
    db_pool_size: int = 10
    redis_url: str = "redis://localhost:6379/0"

    jwt_secret: SecretStr = SecretStr("")
    jwt_issuer: str = "https://auth.thelanternhall.co.uk"
    jwt_audience: str = "boxoffice"
    promoter_public_keys: dict[str, str] = {}

    stripe_secret_key: SecretStr = SecretStr("")
    booking_fee_pence: int = 150
    hold_ttl_seconds: int = 480
    max_tickets_per_order: int = 8

    cors_origins: list[str] = [
        "https://tickets.thelanternhall.co.uk",
        "https://door.thelanternhall.co.uk",
    ]

    mail_api_base: AnyHttpUrl = "https://api.mailrelay.example/v1"
    mail_api_key: SecretStr = SecretStr("")
    mail_from: str = "Lantern Hall <hello@thelanternhall.co.uk>"

    fx_api_url: str = "https://api.exchangerate.host/latest"
    promoter_webhook_secret: SecretStr = SecretStr("")

    media_service_url: str = "http://media-store.media.svc.cluster.local:8080"
    rider_root: str = "/srv/boxoffice/riders"
    rider_max_bytes: int = 20 * 1024 * 1024
    artwork_max_bytes: int = 10 * 1024 * 1024

    @model_validator(mode="after")
    def _require_secrets_outside_dev(self):
        if self.environment != "development":
            missing = [
                name
                for name in ("jwt_secret", "stripe_secret_key", "mail_api_key", "promoter_webhook_secret")
                if not getattr(self, name).get_secret_value()
            ]
            if missing:
                raise ValueError(f"missing required secrets: {', '.join(missing)}")
        if self.debug and self.environment == "production":
            raise ValueError("debug must be off in production")
        return self


@lru_cache(maxsize=1)  # ok: RES002
def get_settings() -> Settings:
    return Settings()
