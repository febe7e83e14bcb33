"""Runtime configuration for the freight quote service."""

import os
from dataclasses import dataclass


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise RuntimeError(f"{name} must be an integer, got {raw!r}") from exc


def _float(name: str, default: float) -> float:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        return float(raw)
    except ValueError as exc:
        raise RuntimeError(f"{name} must be a number, got {raw!r}") from exc


@dataclass(frozen=True)
class CarrierConfig:
    code: str
    base_url: str
    api_key_env: str
    max_concurrency: int = 4

    @property
    def api_key(self) -> str:
        return os.environ.get(self.api_key_env, "")


CARRIERS = (
    CarrierConfig("NRX", "https://api.northridge-freight.com/v2", "NRX_API_KEY", 6),
    CarrierConfig("BLT", "https://rates.blueline-transport.eu/api", "BLT_API_KEY", 4),
    CarrierConfig("PCF", "https://partners.pacificcargo.net/ltl", "PCF_API_KEY", 2),
)


@dataclass(frozen=True)
class Settings:
    database_dsn: str
    db_pool_min: int
    db_pool_max: int
    db_command_timeout: float
    http_total_timeout: float
    http_connect_timeout: float
    quote_ttl_minutes: int
    rate_limit_per_minute: int
    surcharge_refresh_seconds: int
    allowed_origins: tuple
    carriers: tuple = CARRIERS


def load_settings() -> Settings:
    dsn = os.environ.get("DATABASE_URL", "").strip()
    if not dsn:
        raise RuntimeError("DATABASE_URL is not set")

    origins = tuple(
        origin.strip()
        for origin in os.environ.get("ALLOWED_ORIGINS", "").split(",")
        if origin.strip()
    )
    settings = Settings(
        database_dsn=dsn,
        db_pool_min=_int("DB_POOL_MIN", 2),
        db_pool_max=_int("DB_POOL_MAX", 10),
        db_command_timeout=_float("DB_COMMAND_TIMEOUT", 10.0),
        http_total_timeout=_float("HTTP_TOTAL_TIMEOUT", 15.0),
        http_connect_timeout=_float("HTTP_CONNECT_TIMEOUT", 3.0),
        quote_ttl_minutes=_int("QUOTE_TTL_MINUTES", 30),
        rate_limit_per_minute=_int("RATE_LIMIT_PER_MINUTE", 120),
        surcharge_refresh_seconds=_int("SURCHARGE_REFRESH_SECONDS", 900),
        allowed_origins=origins,
    )
    if settings.db_pool_min > settings.db_pool_max:
        raise RuntimeError("DB_POOL_MIN cannot exceed DB_POOL_MAX")
    missing = [c.api_key_env for c in settings.carriers if not c.api_key]
    if missing:
        raise RuntimeError(f"missing carrier credentials: {', '.join(missing)}")
    return settings
