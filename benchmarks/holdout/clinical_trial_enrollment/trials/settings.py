"""Service settings, validated once at startup."""
from functools import lru_cache

from pydantic import AnyHttpUrl, Field, PostgresDsn, RedisDsn
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="TRIALS_", env_file=".env", extra="ignore")

    environment: str = "production"
    debug: bool = False  # ok: SEC006

    database_url: PostgresDsn = Field(
        default="postgresql+asyncpg://trials@localhost:5432/trials"
    )
    sync_database_url: str = "postgresql://trials@localhost:5432/trials"
    db_pool_size: int = 10
    db_max_overflow: int = 5
    db_statement_timeout_ms: int = 15_000

    redis_url: RedisDsn = Field(default="redis://localhost:6379/0")

    # Coordinator and monitor tokens come from the hospital IdP (RS256).
    jwt_issuer: str = "https://login.medsci.example/realms/trials"
    jwt_audience: str = "enrollment-api"
    jwt_public_key: str = ""

    sponsor_jwks_url: AnyHttpUrl = Field(default="https://sponsor-gw.medsci.example/.well-known/jwks.json")
    sponsor_notify_url: AnyHttpUrl = Field(default="https://sponsor-gw.medsci.example/v1/sae-notifications")
    sponsor_api_token: str = ""

    lab_api_url: AnyHttpUrl = Field(default="https://lis.medsci.example/api/v3")
    lab_api_token: str = ""

    safety_db_url: AnyHttpUrl = Field(default="https://argus.medsci.example/api")
    safety_db_token: str = ""

    edc_base_url: AnyHttpUrl = Field(default="https://edc.medsci.example/api/v2")
    edc_api_token: str = ""

    consent_bucket: str = "medsci-trial-consents"
    consent_kms_key_id: str = ""
    max_consent_bytes: int = 20 * 1024 * 1024
    aws_region: str = "eu-west-1"

    cors_origins: list[str] = ["https://coordinators.medsci.example"]
    http_timeout_seconds: float = 10.0

    def require_secrets(self) -> None:
        missing = [
            name
            for name in ("jwt_public_key", "sponsor_api_token", "lab_api_token", "edc_api_token")
            if not getattr(self, name)
        ]
        if missing and self.environment != "test":
            raise RuntimeError(f"missing required settings: {', '.join(missing)}")


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
