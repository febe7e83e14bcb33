import os
from dataclasses import dataclass, field
from functools import lru_cache

from fastapi import Request


def _env(name: str, default: str) -> str:
    return os.getenv(name, default)


def _csv(name: str, default: str) -> list[str]:
    return [v.strip() for v in os.getenv(name, default).split(",") if v.strip()]


@dataclass(frozen=True)
class Settings:
    database_url: str = field(default_factory=lambda: _env("DATABASE_URL", "postgresql://fleet@localhost:5432/fleet"))  # ok: MNT002
    redis_url: str = field(default_factory=lambda: _env("REDIS_URL", "redis://localhost:6379/0"))
    db_pool_min: int = field(default_factory=lambda: int(_env("DB_POOL_MIN", "2")))
    db_pool_max: int = field(default_factory=lambda: int(_env("DB_POOL_MAX", "10")))
    jwt_secret: str = field(default_factory=lambda: _env("JWT_SECRET", ""))
    jwt_audience: str = field(default_factory=lambda: _env("JWT_AUDIENCE", "fleet-ops"))
    debug: bool = field(default_factory=lambda: _env("FLEET_DEBUG", "0") == "1")
    cors_origins: list[str] = field(default_factory=lambda: _csv("CORS_ORIGINS", "https://ops.fleet.example.com"))
    alert_url: str = field(default_factory=lambda: _env("ALERT_API_URL", "https://alerts.monitoring.example.net/api/v2"))
    alert_token: str = field(default_factory=lambda: _env("ALERT_API_TOKEN", ""))
    pager_url: str = field(default_factory=lambda: _env("PAGER_URL", "https://events.pager.example.com/v2/enqueue"))
    incident_dir: str = field(default_factory=lambda: _env("INCIDENT_DIR", "/var/lib/fleet/incidents"))
    gateway_url: str = field(default_factory=lambda: _env("ROBOT_GATEWAY_URL", "http://fleet-gateway.fleet.svc:8080"))
    charging_interval_s: int = field(default_factory=lambda: int(_env("CHARGING_INTERVAL_S", "30")))


@lru_cache(maxsize=1)  # ok: RES002
def get_settings() -> Settings:
    settings = Settings()
    if not settings.jwt_secret:
        raise RuntimeError("JWT_SECRET must be set")
    if settings.db_pool_min > settings.db_pool_max:
        raise RuntimeError("DB_POOL_MIN must not exceed DB_POOL_MAX")
    return settings


def get_pool(request: Request):
    return request.app.state.pool


def get_redis(request: Request):
    return request.app.state.redis


def get_http(request: Request):
    return request.app.state.http
