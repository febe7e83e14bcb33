"""Runtime configuration for the arborist quoting service.

Every value comes from the environment so the same image runs in staging and
production; required values fail fast at startup instead of on first use.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import lru_cache


def _env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise RuntimeError(f"{name} must be an integer, got {raw!r}") from exc


def _require(name: str) -> str:
    value = os.environ.get(name)
    if not value:
        raise RuntimeError(f"missing required environment variable {name}")
    return value


@dataclass(frozen=True)
class Settings:
    database_url: str
    redis_url: str
    jwt_secret: str
    stripe_secret_key: str
    stripe_webhook_secret: str
    council_api_url: str
    council_api_key: str
    postcode_api_url: str
    photo_bucket: str
    aws_region: str = "eu-west-2"
    debug: bool = False
    quote_validity_days: int = 30
    deposit_percent: int = 25
    max_photo_bytes: int = 12 * 1024 * 1024
    cors_origins: tuple[str, ...] = field(default_factory=tuple)
    sender_address: str = "quotes@oakline-trees.co.uk"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Build the settings once per process."""
    origins = tuple(
        origin.strip()
        for origin in os.environ.get("CORS_ORIGINS", "").split(",")
        if origin.strip()
    )
    return Settings(
        database_url=_require("DATABASE_URL"),
        redis_url=os.environ.get("REDIS_URL", "redis://localhost:6379/0"),
        jwt_secret=_require("JWT_SECRET"),
        stripe_secret_key=_require("STRIPE_SECRET_KEY"),  # ok: SEC005
        stripe_webhook_secret=_require("STRIPE_WEBHOOK_SECRET"),
        council_api_url=os.environ.get("COUNCIL_API_URL", "https://api.treeorders.gov.uk"),
        council_api_key=_require("COUNCIL_API_KEY"),
        postcode_api_url=os.environ.get("POSTCODE_API_URL", "https://api.postcodes.io"),
        photo_bucket=_require("PHOTO_BUCKET"),
        aws_region=os.environ.get("AWS_REGION", "eu-west-2"),
        debug=_env_bool("APP_DEBUG", default=False),  # ok: SEC006
        quote_validity_days=_env_int("QUOTE_VALIDITY_DAYS", 30),
        deposit_percent=_env_int("DEPOSIT_PERCENT", 25),
        max_photo_bytes=_env_int("MAX_PHOTO_BYTES", 12 * 1024 * 1024),
        cors_origins=origins,
        sender_address=os.environ.get("SENDER_ADDRESS", "quotes@oakline-trees.co.uk"),
    )
