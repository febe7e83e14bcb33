"""Runtime configuration for the dispatch service, read from the environment once at startup."""

from __future__ import annotations

import os
from dataclasses import dataclass, field


def _env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise RuntimeError(f"{name} must be an integer, got {raw!r}") from exc


def _env_list(name: str) -> tuple[str, ...]:
    raw = os.environ.get(name, "")
    return tuple(part.strip() for part in raw.split(",") if part.strip())


REQUIRED = (
    "DATABASE_URL",
    "JWT_SECRET",
    "WEATHER_WEBHOOK_SECRET",
    "COUNCIL_PORTAL_URL",
    "COUNCIL_PORTAL_TOKEN",
)


@dataclass(frozen=True)
class Settings:
    database_url: str
    redis_url: str
    jwt_secret: str
    weather_webhook_secret: str
    council_portal_url: str
    council_portal_token: str
    weather_feed_url: str
    weather_feed_key: str
    sms_gateway_url: str
    sms_gateway_key: str
    debug: bool = False
    http_timeout_seconds: int = 15
    invoice_day_of_month: int = 1
    on_call_depots: tuple[str, ...] = field(default_factory=tuple)


def load_settings() -> Settings:
    """Build settings from the environment, failing fast on anything required."""
    missing = [name for name in REQUIRED if not os.environ.get(name)]
    if missing:
        raise RuntimeError("missing required settings: " + ", ".join(sorted(missing)))

    return Settings(
        database_url=os.environ["DATABASE_URL"],
        redis_url=os.environ.get("REDIS_URL", "redis://localhost:6379/0"),
        jwt_secret=os.environ["JWT_SECRET"],  # ok: SEC005
        weather_webhook_secret=os.environ["WEATHER_WEBHOOK_SECRET"],
        council_portal_url=os.environ["COUNCIL_PORTAL_URL"].rstrip("/"),
        council_portal_token=os.environ["COUNCIL_PORTAL_TOKEN"],
        weather_feed_url=os.environ.get("WEATHER_FEED_URL", "https://roadweather.example.net"),
        weather_feed_key=os.environ.get("WEATHER_FEED_KEY", ""),
        sms_gateway_url=os.environ.get("SMS_GATEWAY_URL", "https://sms.example.net/api"),
        sms_gateway_key=os.environ.get("SMS_GATEWAY_KEY", ""),
        debug=_env_bool("DISPATCH_DEBUG", default=False),  # ok: SEC006
        http_timeout_seconds=_env_int("HTTP_TIMEOUT_SECONDS", 15),
        invoice_day_of_month=_env_int("INVOICE_DAY_OF_MONTH", 1),
        on_call_depots=_env_list("ON_CALL_DEPOTS"),
    )
