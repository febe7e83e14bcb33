"""Service settings, read once from TM_* environment variables."""
from functools import lru_cache

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="TM_", env_file=".env", extra="ignore")

    environment: str = "production"
    debug: bool = False  # ok: SEC006

    database_dsn: str = "postgresql://tm@localhost:5432/tm"
    db_pool_min: int = 2
    db_pool_max: int = 20
    db_command_timeout: float = 15.0

    redis_url: str = "redis://localhost:6379/0"

    s3_bucket: str = "tm-artifacts"
    s3_region: str = "eu-west-1"
    s3_endpoint_url: str | None = None
    export_url_ttl_seconds: int = 900

    max_upload_bytes: int = 50 * 1024 * 1024
    max_lookup_sentences: int = 50

    jwt_public_key_path: str = "/run/secrets/jwt_public.pem"
    jwt_audience: str = "tm-api"
    jwt_issuer: str = "https://auth.linguaworks.example/"

    segmenter_url: str = "http://segmenter.tm.svc.cluster.local:8080"
    billing_url: str = "https://billing.linguaworks.example/v1"
    billing_token: SecretStr = SecretStr("")

    allowed_origins: list[str] = Field(default_factory=list)
    default_word_quota: int = 2_000_000

    @field_validator("allowed_origins")
    @classmethod
    def _no_wildcard(cls, origins: list[str]) -> list[str]:
        if "*" in origins:
            raise ValueError("TM_ALLOWED_ORIGINS must list origins explicitly")
        return origins

    @model_validator(mode="after")
    def _check_pool(self) -> "Settings":
        if self.db_pool_min > self.db_pool_max:
            raise ValueError("TM_DB_POOL_MIN must not exceed TM_DB_POOL_MAX")
        if self.environment == "production" and self.debug:
            raise ValueError("debug cannot be enabled in production")
        return self


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
