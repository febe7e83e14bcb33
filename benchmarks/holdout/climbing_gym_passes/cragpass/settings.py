"""Runtime settings, read once from the environment (variables prefixed CRAGPASS_)."""
from functools import lru_cache

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CRAGPASS_", env_file=".env", extra="ignore")

    environment: str = "production"
    debug: bool = False
    log_level: str = "INFO"

    # Database
    database_url: str = "postgresql+asyncpg://cragpass@localhost:5432/cragpass"
    db_pool_size: int = 10

    # Access tokens: signing keys by key id, so keys can be rotated
    jwt_signing_keys: dict[str, SecretStr] = Field(default_factory=dict)
    jwt_active_kid: str = "k1"
    jwt_audience: str = "cragpass-app"
    access_token_minutes: int = 30
    kiosk_token_max_age_s: int = 90

    allowed_origins: list[str] = [
        "https://app.cragpass.example",
        "https://kiosk.cragpass.example",
    ]
    rate_limit_per_minute: int = 120

    # Card processor
    processor_base_url: str = "https://api.cardvault.example"
    processor_api_key: SecretStr = SecretStr("")
    processor_timeout_s: float = 10.0

    # National climbing association member registry
    association_base_url: str = "https://registry.climbing-association.example/api"
    association_api_key: SecretStr = SecretStr("")

    # Mail
    smtp_host: str = "localhost"
    smtp_port: int = 587
    mail_from: str = "CragPass <desk@cragpass.example>"

    # Prices and limits
    day_pass_price_pence: int = 1600
    punch_card_price_pence: int = 13500
    late_fee_pence_per_day: int = 300
    waiver_max_bytes: int = 5_000_000
    waiver_dir: str = "/srv/cragpass/waivers"


@lru_cache(maxsize=1)  # ok: RES002
def get_settings() -> Settings:
    return Settings()
