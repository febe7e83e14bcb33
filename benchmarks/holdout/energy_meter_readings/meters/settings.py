"""Service configuration, read once from the environment at startup."""
import os
from dataclasses import dataclass
from decimal import Decimal


def _env(name: str, default: str) -> str:
    return os.environ.get(name, default)


@dataclass(frozen=True)
class Settings:
    database_dsn: str
    db_pool_max: int
    kafka_bootstrap: str
    kafka_topic: str
    kafka_group: str
    grid_api_url: str
    grid_api_token: str
    grid_timeout_seconds: float
    alert_webhook_url: str
    alert_webhook_token: str
    spike_kwh_per_interval: Decimal
    anomaly_factor: Decimal
    payment_webhook_secret: str
    operator_api_token: str
    listen_port: int

    @classmethod
    def from_env(cls) -> "Settings":
        settings = cls(
            database_dsn=_env("METERS_DATABASE_DSN", "postgresql://meters@localhost:5432/meters"),
            db_pool_max=int(_env("METERS_DB_POOL_MAX", "20")),
            kafka_bootstrap=_env("METERS_KAFKA_BOOTSTRAP", "localhost:9092"),
            kafka_topic=_env("METERS_KAFKA_TOPIC", "meter-readings.v1"),
            kafka_group=_env("METERS_KAFKA_GROUP", "meter-ingest"),
            grid_api_url=_env("METERS_GRID_API_URL", "https://api.gridoperator.example.net"),
            grid_api_token=_env("METERS_GRID_API_TOKEN", ""),  # ok: SEC005
            grid_timeout_seconds=float(_env("METERS_GRID_TIMEOUT_SECONDS", "10")),
            alert_webhook_url=_env("METERS_ALERT_WEBHOOK_URL", "https://control-room.example.net/hooks/alerts"),
            alert_webhook_token=_env("METERS_ALERT_WEBHOOK_TOKEN", ""),
            spike_kwh_per_interval=Decimal(_env("METERS_SPIKE_KWH", "15")),
            anomaly_factor=Decimal(_env("METERS_ANOMALY_FACTOR", "3.0")),
            payment_webhook_secret=_env("METERS_PAYMENT_WEBHOOK_SECRET", ""),
            operator_api_token=_env("METERS_OPERATOR_API_TOKEN", ""),
            listen_port=int(_env("METERS_PORT", "8080")),
        )
        settings.validate()
        return settings

    def validate(self) -> None:
        missing = [
            name
            for name in ("grid_api_token", "payment_webhook_secret", "operator_api_token")
            if not getattr(self, name)
        ]
        if missing:
            raise RuntimeError(f"missing required settings: {', '.join(missing)}")
        if self.grid_timeout_seconds <= 0:
            raise RuntimeError("METERS_GRID_TIMEOUT_SECONDS must be positive")
