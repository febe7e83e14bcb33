"""Runtime settings for the festival volunteer service.

Everything is read from the environment when the settings object is first
built, so tests can construct their own ``Settings`` with explicit values.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import lru_cache


def _env(name: str, default: str) -> str:
    return os.getenv(name, default)


def _env_bool(name: str, default: bool = False) -> bool:
    raw = os.getenv(name)
    if raw is None:
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def _env_list(name: str, default: str = "") -> list[str]:
    raw = os.getenv(name, default)
    return [item.strip() for item in raw.split(",") if item.strip()]


@dataclass(frozen=True)
class Settings:
    database_url: str = field(
        default_factory=lambda: _env("DATABASE_URL", "postgresql+asyncpg://festival@localhost:5432/festival")
    )
    redis_url: str = field(default_factory=lambda: _env("REDIS_URL", "redis://localhost:6379/0"))
    jwt_secret: str = field(default_factory=lambda: _env("JWT_SECRET", ""))
    jwt_audience: str = "festival-volunteers"
    sms_base_url: str = field(default_factory=lambda: _env("SMS_BASE_URL", "https://api.textrelay.example/v2"))
    sms_api_token: str = field(default_factory=lambda: _env("SMS_API_TOKEN", ""))
    smtp_host: str = field(default_factory=lambda: _env("SMTP_HOST", "localhost"))
    smtp_port: int = field(default_factory=lambda: int(_env("SMTP_PORT", "587")))
    smtp_user: str = field(default_factory=lambda: _env("SMTP_USER", ""))
    smtp_password: str = field(default_factory=lambda: _env("SMTP_PASSWORD", ""))
    mail_from: str = field(default_factory=lambda: _env("MAIL_FROM", "crew@festival.example"))
    vendor_keys: list[str] = field(default_factory=lambda: _env_list("FOOD_VENDOR_KEYS"))
    allowed_origins: list[str] = field(default_factory=lambda: _env_list("ALLOWED_ORIGINS"))
    festival_tz: str = field(default_factory=lambda: _env("FESTIVAL_TZ", "Europe/London"))
    debug: bool = field(default_factory=lambda: _env_bool("APP_DEBUG", False))  # ok: SEC006
    reminder_lead_hours: int = field(default_factory=lambda: int(_env("REMINDER_LEAD_HOURS", "18")))
    meals_per_shift: int = field(default_factory=lambda: int(_env("MEALS_PER_SHIFT", "1")))
    turnstile_url: str = field(default_factory=lambda: _env("TURNSTILE_URL", "http://turnstile-bridge:8080"))


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    settings = Settings()
    if not settings.jwt_secret:
        raise RuntimeError("JWT_SECRET must be set")
    if settings.meals_per_shift < 0:
        raise RuntimeError("MEALS_PER_SHIFT must not be negative")
    return settings
