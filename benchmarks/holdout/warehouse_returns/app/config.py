"""Settings for the returns service, loaded once from RMA_* environment variables."""
from functools import lru_cache

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="RMA_", extra="ignore")

    debug: bool = False  # ok: SEC006
    database_dsn: str = "postgresql://returns@localhost:5432/returns"
    db_pool_min: int = 2
    db_pool_max: int = 10
    db_command_timeout: float = 10.0

    jwt_public_key: str = ""
    jwt_audience: str = "returns-api"
    jwt_issuer: str = "https://id.shop.example"

    carrier_base_url: str = "https://api.parcelcarrier.example/v1"
    carrier_api_key: SecretStr = SecretStr("")
    payments_base_url: str = "https://payments.internal.shop.example/v3"
    payments_api_key: SecretStr = SecretStr("")
    storefront_restock_webhook: str = "https://shop.example/internal/hooks/restock"
    pickup_booking_hour: int = Field(default=6, ge=0, le=23)

    labels_bucket: str = "rma-labels"
    photos_bucket: str = "rma-photos"
    max_photo_bytes: int = 8 * 1024 * 1024
    http_timeout_seconds: float = 10.0

    warehouse_address: dict = {
        "name": "Returns Dept - DC2",
        "street": "41 Harbour Road",
        "city": "Rotterdam",
        "postcode": "3089 JB",
        "country": "NL",
    }

    @field_validator("database_dsn")
    @classmethod
    def _dsn_is_postgres(cls, value: str) -> str:
        if not value.startswith(("postgres://", "postgresql://")):
            raise ValueError("database_dsn must be a PostgreSQL DSN")
        return value


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
