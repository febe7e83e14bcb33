"""Service configuration, read once from the environment (FERRY_* variables)."""
from functools import lru_cache

from pydantic import AnyHttpUrl, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="FERRY_", env_file=".env", extra="ignore")

    environment: str = "production"
    debug: bool = False  # ok: SEC006
    log_level: str = "INFO"

    database_url: str = Field(..., description="postgresql+asyncpg://user:pass@host/db")
    db_pool_size: int = 10
    db_max_overflow: int = 5
    db_pool_timeout_s: float = 5.0

    jwt_public_key: str = Field(..., description="PEM public key of the customer identity service")
    jwt_audience: str = "ferry-reservations"
    jwt_issuer: str = "https://id.islandferries.example/"
    ops_jwks_url: AnyHttpUrl = "https://sso.islandferries.example/.well-known/jwks.json"
    ops_audience: str = "ferry-ops"
    manage_code_secret: SecretStr

    payment_base_url: AnyHttpUrl = "https://api.tillpoint.example/v1"
    payment_api_key: SecretStr
    payment_timeout_s: float = 8.0
    deposit_pence_per_metre: int = 500
    min_deposit_pence: int = 1500

    port_authority_url: AnyHttpUrl = "https://manifests.port-authority.example/api/v3/manifests"
    port_authority_cert_file: str = "/var/run/secrets/port-authority/tls.crt"
    port_authority_key_file: str = "/var/run/secrets/port-authority/tls.key"
    port_authority_ca_file: str = "/var/run/secrets/port-authority/ca.crt"

    sms_base_url: AnyHttpUrl = "https://rest.sms-gateway.example/v2"
    sms_api_token: SecretStr
    sms_sender_id: str = "ISLEFERRY"
    sms_concurrency: int = 10

    cors_origins: list[str] = ["https://book.islandferries.example"]

    @field_validator("database_url")
    @classmethod
    def _async_driver(cls, value: str) -> str:
        if not value.startswith("postgresql+asyncpg://"):
            raise ValueError("database_url must use the postgresql+asyncpg driver")
        return value

    @field_validator("sms_concurrency")
    @classmethod
    def _positive(cls, value: int) -> int:
        if value < 1:
            raise ValueError("sms_concurrency must be at least 1")
        return value


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
