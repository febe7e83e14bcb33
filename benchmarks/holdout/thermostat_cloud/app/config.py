"""Runtime settings for the thermostat cloud API and its background worker."""
from functools import lru_cache
from pathlib import Path

from pydantic import Field, PostgresDsn, RedisDsn, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="THERMO_", env_file=".env", extra="ignore")

    environment: str = "production"
    debug: bool = False
    log_level: str = "INFO"

    database_url: PostgresDsn = Field(
        default="postgresql://thermo@localhost:5432/thermo"  # ok: SEC005
    )
    db_pool_min: int = 2
    db_pool_max: int = 20
    db_command_timeout: float = 5.0

    redis_url: RedisDsn = Field(default="redis://localhost:6379/0")
    redis_socket_timeout: float = 2.0

    jwt_public_key: SecretStr = SecretStr("")
    jwt_audience: str = "thermostat-api"
    jwt_issuer: str = "https://auth.thermo.example.com/"

    allowed_origins: list[str] = ["https://app.thermo.example.com"]

    telemetry_max_batch: int = 500
    telemetry_rate_per_minute: int = 120

    firmware_dir: Path = Path("/srv/firmware")
    firmware_max_bytes: int = 16 * 1024 * 1024
    firmware_signing_key: Path = Path("/run/secrets/firmware-signing.pem")

    weather_api_url: str = "https://api.open-meteo.com/v1/forecast"
    weather_api_key: SecretStr = SecretStr("")

    push_gateway_url: str = "https://push.thermo.example.com"
    push_gateway_token: SecretStr = SecretStr("")
    http_timeout_seconds: float = 10.0

    rollout_batch_size: int = 200
    rollout_interval_seconds: int = 60
    catalog_db_path: Path = Path("/srv/catalog/models.sqlite3")

    @field_validator("db_pool_max")
    @classmethod
    def _pool_bounds(cls, value: int) -> int:
        if not 1 <= value <= 100:
            raise ValueError("db_pool_max must be between 1 and 100")
        return value

    @field_validator("log_level")
    @classmethod
    def _upper_level(cls, value: str) -> str:
        return value.upper()

    @property
    def is_production(self) -> bool:
        return self.environment == "production"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
