"""Configuration for the fares, payouts and GPS services."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from decimal import Decimal

DATABASE_URL = os.environ["DATABASE_URL"]  # expect: MNT002

PAYOUT_API_URL = os.environ.get("PAYOUT_API_URL", "https://payouts.partnerbank.example/v2")
PAYOUT_API_KEY = "pk_live_4f9a8c2e71b34d0e9a6f5c3b2d1e0f77"  # expect: SEC005


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise RuntimeError(f"{name} must be an integer, got {raw!r}") from exc


def _env_float(name: str, default: float) -> float:
    raw = os.environ.get(name)
    return default if not raw else float(raw)


@dataclass(frozen=True)
class KafkaConfig:
    bootstrap_servers: str = os.environ.get("KAFKA_BOOTSTRAP_SERVERS", "kafka:9092")
    sasl_username: str = os.environ.get("KAFKA_SASL_USERNAME", "fares")
    sasl_password: str = os.environ.get("KAFKA_SASL_PASSWORD", "")  # ok: SEC005
    trips_topic: str = "trips.v1"
    payouts_topic: str = "payouts.v1"

    def producer_conf(self) -> dict:
        return {
            "bootstrap.servers": self.bootstrap_servers,
            "security.protocol": "SASL_SSL",
            "sasl.mechanisms": "SCRAM-SHA-512",
            "sasl.username": self.sasl_username,
            "sasl.password": self.sasl_password,
            "enable.idempotence": True,
            "acks": "all",
            "message.timeout.ms": 30000,
            "linger.ms": 20,
        }


@dataclass(frozen=True)
class PoolConfig:
    min_size: int = _env_int("DB_POOL_MIN", 2)
    max_size: int = _env_int("DB_POOL_MAX", 10)
    timeout_s: float = _env_float("DB_POOL_TIMEOUT", 5.0)
    connect_timeout_s: int = _env_int("DB_CONNECT_TIMEOUT", 5)
    statement_timeout_ms: int = _env_int("DB_STATEMENT_TIMEOUT_MS", 5000)


@dataclass(frozen=True)
class GpsConfig:
    feed_url: str = os.environ.get("GPS_FEED_URL", "https://telematics.example.net/v1/positions")
    poll_interval_s: float = _env_float("GPS_POLL_INTERVAL", 2.0)
    batch_size: int = _env_int("GPS_BATCH_SIZE", 500)
    http_timeout_s: float = _env_float("GPS_HTTP_TIMEOUT", 5.0)


@dataclass(frozen=True)
class FareConfig:
    currency: str = os.environ.get("FARE_CURRENCY", "EUR")
    min_fare: Decimal = Decimal(os.environ.get("FARE_MIN", "5.00"))
    max_surge: Decimal = Decimal(os.environ.get("SURGE_MAX", "3.0"))
    surge_ttl_s: int = _env_int("SURGE_TTL_S", 60)
    driver_share: Decimal = Decimal(os.environ.get("DRIVER_SHARE", "0.75"))
    payout_min: Decimal = Decimal(os.environ.get("PAYOUT_MIN", "20.00"))
    http_timeout_s: float = _env_float("PAYOUT_HTTP_TIMEOUT", 10.0)


@dataclass(frozen=True)
class Config:
    kafka: KafkaConfig = field(default_factory=KafkaConfig)
    pool: PoolConfig = field(default_factory=PoolConfig)
    gps: GpsConfig = field(default_factory=GpsConfig)
    fares: FareConfig = field(default_factory=FareConfig)
    flask_debug: bool = os.environ.get("FLASK_DEBUG", "0") == "1"


CONFIG = Config()
