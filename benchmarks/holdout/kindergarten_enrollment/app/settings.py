"""Runtime configuration for the enrollment service.

Everything comes from the environment so the same image runs in staging and
production. Required values are checked when the app starts, not at import.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache


class ConfigError(RuntimeError):
    """Raised when a required setting is missing or malformed."""


def _require(name: str) -> str:
    value = os.environ.get(name, "").strip()
    if not value:
        raise ConfigError(f"missing required setting {name}")
    return value


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ConfigError(f"{name} must be an integer, got {raw!r}") from exc


def _float(name: str, default: float) -> float:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        return float(raw)
    except ValueError as exc:
        raise ConfigError(f"{name} must be a number, got {raw!r}") from exc


@dataclass(frozen=True)
class Settings:
    database_url: str
    jwt_signing_key: str
    jwt_issuer: str
    jwt_ttl_minutes: int
    allowed_origins: tuple[str, ...]
    storage_base_url: str
    storage_token: str
    payments_base_url: str
    payments_api_key: str
    mailer_url: str
    sms_gateway_url: str
    max_upload_bytes: int
    http_timeout_seconds: float
    timezone: str
    debug: bool


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    origins = tuple(
        origin.strip()
        for origin in os.environ.get("ALLOWED_ORIGINS", "").split(",")
        if origin.strip()
    )
    return Settings(
        database_url=_require("DATABASE_URL"),
        jwt_signing_key=_require("JWT_SIGNING_KEY"),
        jwt_issuer=os.environ.get("JWT_ISSUER", "kg-enrollment"),
        jwt_ttl_minutes=_int("JWT_TTL_MINUTES", 30),
        allowed_origins=origins,
        storage_base_url=os.environ.get("DOCSTORE_URL", "http://docstore.internal:8080"),
        storage_token=_require("DOCSTORE_TOKEN"),
        payments_base_url=os.environ.get("PAYMENTS_URL", "https://api.payments.example.com"),
        payments_api_key=_require("PAYMENTS_API_KEY"),
        mailer_url=os.environ.get("MAILER_URL", "http://mailer.internal:8025"),
        sms_gateway_url=os.environ.get("SMS_GATEWAY_URL", "https://sms.example.com/api"),
        max_upload_bytes=_int("MAX_UPLOAD_BYTES", 10 * 1024 * 1024),
        http_timeout_seconds=_float("HTTP_TIMEOUT_SECONDS", 10.0),
        timezone=os.environ.get("APP_TIMEZONE", "Europe/Berlin"),
        debug=os.environ.get("APP_DEBUG", "0") == "1",  # ok: SEC006
    )
