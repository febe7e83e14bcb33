"""Application settings, read once from the environment (pydantic-settings)."""
from functools import lru_cache

from pydantic import AnyHttpUrl, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ESCAPE_", env_file=".env", extra="ignore")

    environment: str = "production"
    debug: bool = False  # ok: SEC006
    log_level: str = "INFO"

    database_url: str
    db_pool_size: int = Field(10, ge=1, le=50)

    # Identity provider (customers and staff sign in there; we verify RS256 tokens).
    jwt_issuer: str = "https://id.example-escape.com/"
    jwt_audience: str = "escape-api"
    jwt_public_keys: dict[str, str] = Field(default_factory=dict)  # kid -> PEM

    payments_base_url: AnyHttpUrl
    payments_api_key: SecretStr
    sms_base_url: str
    sms_api_key: SecretStr
    sms_sender_id: str = "ESCAPEHQ"
    http_timeout_seconds: float = Field(8.0, gt=0, le=30)

    allowed_origins: list[str] = ["https://book.example-escape.com", "https://www.example-escape.com"]
    currency: str = "eur"
    deposit_cents: int = Field(2000, ge=0)
    hold_minutes: int = Field(10, ge=1, le=30)
    reminder_lead_hours: int = Field(24, ge=1, le=72)
    voucher_validity_days: int = 365

    @field_validator("jwt_public_keys")
    @classmethod
    def _keys_look_like_pem(cls, value: dict[str, str]) -> dict[str, str]:
        for kid, pem in value.items():
            if "BEGIN PUBLIC KEY" not in pem:
                raise ValueError(f"jwt_public_keys[{kid!r}] is not a PEM public key")
        return value

    @field_validator("currency")
    @classmethod
    def _lower_currency(cls, value: str) -> str:
        return value.lower()


@lru_cache(maxsize=1)  # ok: RES002
def get_settings() -> Settings:
    return Settings()
