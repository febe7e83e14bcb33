from functools import lru_cache

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Runtime configuration, read once from CFG_* environment variables."""

    model_config = SettingsConfigDict(env_prefix="CFG_", env_file=".env", extra="ignore")

    environment: str = "production"
    debug: bool = False  # ok: SEC006
    log_level: str = "INFO"

    database_dsn: SecretStr = SecretStr("postgresql://customs@localhost:5432/customs")
    db_pool_min: int = 2
    db_pool_max: int = 15
    db_command_timeout: float = 10.0

    redis_url: str = "redis://localhost:6379/0"
    redis_timeout: float = 2.0

    jwks_url: str = "https://auth.brokerline.example/.well-known/jwks.json"
    jwt_issuer: str = "https://auth.brokerline.example/"
    jwt_audience: str = "customs-gateway"
    session_cookie: str = "bl_session"
    allowed_origins: list[str] = ["https://portal.brokerline.example"]

    gov_api_base: str = "https://api.customs.gov.example/declarations/v3"
    gov_client_cert: str = "/var/run/secrets/gov/client.crt"
    gov_client_key: str = "/var/run/secrets/gov/client.key"
    gov_ca_bundle: str = "/etc/ssl/certs/gov-root-ca.pem"
    gov_callback_issuer: str = "customs.gov.example"
    gov_callback_public_key_path: str = "/var/run/secrets/gov/callback-signing.pub"
    gov_timeout: float = 20.0
    gov_max_attempts: int = Field(default=4, ge=1, le=8)

    tariff_api_base: str = "https://tariff.customs.gov.example/api/v2"

    documents_bucket: str = "brokerline-customs-documents"
    documents_region: str = "eu-west-1"
    max_document_bytes: int = 15 * 1024 * 1024

    status_poll_seconds: int = 120

    @field_validator("allowed_origins")
    @classmethod
    def no_wildcards(cls, origins: list[str]) -> list[str]:
        if any("*" in origin for origin in origins):
            raise ValueError("allowed_origins must list explicit origins")
        return origins

    @field_validator("log_level")
    @classmethod
    def known_level(cls, level: str) -> str:
        level = level.upper()
        if level not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
            raise ValueError(f"unsupported log level {level}")
        return level


@lru_cache(maxsize=1)  # ok: RES002
def get_settings() -> Settings:
    return Settings()
