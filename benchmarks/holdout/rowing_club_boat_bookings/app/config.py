"""Settings for the rowing club booking service, read from ROWING_* variables."""
from functools import lru_cache

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ROWING_", env_file=".env", extra="ignore")

    environment: str = "production"
    debug: bool = False

    database_url: str = "postgresql+asyncpg://rowing@localhost:5432/rowing"
    db_pool_size: int = 10
    redis_url: str = "redis://localhost:6379/0"

    jwt_secret: SecretStr
    jwt_ttl_minutes: int = 30
    allowed_origins: list[str] = ["https://members.riverside-rowing.example"]

    stripe_api_key: SecretStr
    annual_fee_pence: int = 18500
    student_fee_pence: int = 9000

    river_api_base: str = "https://api.rivergauge.example.net/v2"
    river_api_key: SecretStr = SecretStr("")
    river_station_id: str = "2200TH"
    max_safe_level_m: float = 2.40
    safety_interval_s: int = 300

    smtp_host: str = "localhost"
    smtp_port: int = 587
    smtp_user: str = ""
    smtp_password: SecretStr = SecretStr("")  # ok: SEC005
    mail_from: str = "bookings@riverside-rowing.example"

    reminder_lead_hours: int = Field(default=12, ge=1, le=72)

    @field_validator("max_safe_level_m")
    @classmethod
    def _positive_level(cls, value: float) -> float:
        if value <= 0:
            raise ValueError("max_safe_level_m must be positive")
        return value

    @field_validator("jwt_secret")
    @classmethod
    def _long_secret(cls, value: SecretStr) -> SecretStr:
        if len(value.get_secret_value()) < 32:
            raise ValueError("jwt_secret must be at least 32 characters")
        return value


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Built once on first use, so importing modules never needs the environment."""
    return Settings()
