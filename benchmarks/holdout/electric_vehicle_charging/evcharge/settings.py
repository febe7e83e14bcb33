"""Runtime settings, read from EVC_* environment variables (or a local .env)."""
from functools import lru_cache

from pydantic import AnyHttpUrl, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="EVC_", env_file=".env", extra="ignore")

    environment: str = "production"
    debug: bool = True  # expect: SEC006
    log_level: str = "INFO"

    database_url: str = "postgresql+asyncpg://localhost:5432/evcharge"
    db_pool_size: int = 10
    db_max_overflow: int = 5
    db_statement_timeout_ms: int = 5000

    # driver tokens are issued by the identity service; we only verify them
    jwks_url: AnyHttpUrl = "https://id.voltway.example/.well-known/jwks.json"
    jwt_issuer: str = "https://id.voltway.example/"
    jwt_audience: str = "evcharge-api"

    payments_url: AnyHttpUrl = "https://api.payrail.example/v1"
    payments_key: SecretStr = SecretStr("")
    currency: str = "EUR"

    gateway_url: AnyHttpUrl = "http://ocpp-gateway.charging.svc.cluster.local:8080"
    gateway_token: SecretStr = SecretStr("")
    gateway_timeout_seconds: float = 5.0

    cors_origins: list[str] = Field(default_factory=lambda: ["https://app.voltway.example"])

    idle_fee_interval_seconds: int = 60
    reservation_minutes: int = 15
    worker_poll_seconds: float = 10.0
    worker_batch_size: int = 50

    @field_validator("log_level")
    @classmethod
    def _upper_level(cls, value: str) -> str:
        value = value.upper()
        if value not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
            raise ValueError(f"unsupported log level {value}")
        return value

    @field_validator("db_pool_size", "worker_batch_size")
    @classmethod
    def _positive(cls, value: int) -> int:
        if value <= 0:
            raise ValueError("must be positive")
        return value


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()


settings = get_settings()
