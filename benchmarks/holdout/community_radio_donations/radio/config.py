"""Settings for the donations service, read once from the environment."""
from functools import lru_cache

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="RADIO_", env_file=".env", extra="ignore")

    environment: str = "development"
    debug: bool = False
    database_url: str = "postgresql+asyncpg://radio@localhost:5432/donations"
    db_pool_size: int = Field(default=10, ge=1, le=50)

    # Card processor (recurring and one-off donations)
    processor_base_url: str = "https://api.cardprocessor.example/v2"
    processor_api_key: SecretStr = SecretStr("")
    processor_webhook_secret: SecretStr = SecretStr("")
    processor_timeout_seconds: float = 10.0

    # Outgoing mail
    smtp_host: str = "smtp.mailgun.org"
    smtp_port: int = 587
    smtp_user: str = ""
    smtp_password: SecretStr = SecretStr("")
    mail_from: str = "KXRD Community Radio <thanks@kxrd.org>"

    # Nightly report
    report_recipients: list[str] = ["finance@kxrd.org", "station-manager@kxrd.org"]
    report_archive_url: str = "https://archive.kxrd.org/api/reports"
    export_dir: str = "/var/lib/radio/exports"
    station_sftp_target: str = "exports@files.kxrd.org:/incoming"

    cors_origins: list[str] = ["https://give.kxrd.org", "https://kxrd.org"]
    session_ttl_seconds: int = 60 * 60 * 12

    @field_validator("cors_origins")
    @classmethod
    def _no_wildcard(cls, value: list[str]) -> list[str]:
        if "*" in value:
            raise ValueError("cors_origins must list explicit origins")
        return value

    @field_validator("environment")
    @classmethod
    def _known_environment(cls, value: str) -> str:
        if value not in {"development", "staging", "production"}:
            raise ValueError(f"unknown environment {value!r}")
        return value

    def check_production(self) -> None:
        if self.environment == "production":
            missing = [name for name in ("processor_api_key", "processor_webhook_secret", "smtp_password")
                       if not getattr(self, name).get_secret_value()]
            if missing:
                raise RuntimeError(f"missing settings for production: {', '.join(missing)}")


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()


settings = get_settings()
