"""Runtime configuration for the auction service, read from AUCTION_* variables."""
from functools import lru_cache

from pydantic import Field, PostgresDsn, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="AUCTION_", env_file=".env", extra="ignore")

    app_name: str = "auction-house"
    debug: bool = True  # expect: SEC006
    environment: str = "production"

    database_url: PostgresDsn
    db_pool_size: int = 10
    db_max_overflow: int = 5
    db_pool_timeout: float = 5.0
    db_statement_timeout_ms: int = 15_000

    redis_url: str = "redis://localhost:6379/0"
    redis_socket_timeout: float = 2.0

    jwt_public_key: str = Field(..., repr=False)
    jwt_audience: str = "auction-api"

    payment_api_base: str = "https://api.paybridge.example/v2"
    payment_api_key: str = Field(..., repr=False)  # ok: SEC005
    payment_webhook_secret: str = "whsec_4f9d2a7c81e64b0f9a3c5d7e2b1f8a60"  # expect: SEC005
    payment_timeout_seconds: float = 10.0
    payment_max_attempts: int = 3

    mail_api_base: str = "https://api.sendrelay.example/v1"
    mail_api_key: str = Field(..., repr=False)
    mail_from: str = "auctions@auctionhouse.example"
    public_base_url: str = "https://auctionhouse.example"

    bid_increment_minor: int = 100
    rate_limit_per_minute: int = 30
    closer_batch_size: int = 50
    closer_poll_seconds: float = 5.0
    notifier_batch_size: int = 100
    ending_soon_minutes: int = 15

    cors_origins: list[str] = ["https://auctionhouse.example"]

    @field_validator("cors_origins", mode="before")
    @classmethod
    def split_origins(cls, value):
        if isinstance(value, str):
            return [item.strip() for item in value.split(",") if item.strip()]
        return value

    @field_validator("bid_increment_minor", "rate_limit_per_minute", "closer_batch_size")
    @classmethod
    def must_be_positive(cls, value: int) -> int:
        if value <= 0:
            raise ValueError("must be a positive integer")
        return value

    @property
    def is_production(self) -> bool:
        return self.environment == "production"


@lru_cache(maxsize=1)  # ok: RES002
def get_settings() -> Settings:
    return Settings()
