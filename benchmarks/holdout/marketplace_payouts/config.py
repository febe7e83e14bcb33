"""Configuration for the payouts service, read from the environment."""

import os
from dataclasses import dataclass, field
from typing import List


def _require(name: str) -> str:
    value = os.environ.get(name, "").strip()
    if not value:
        raise RuntimeError(f"environment variable {name} is required")
    return value


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    return int(raw) if raw else default


@dataclass
class Config:
    SQLALCHEMY_DATABASE_URI: str
    REDIS_URL: str
    PAYMENTS_API_URL: str
    PAYMENTS_API_KEY: str
    WEBHOOK_SECRET: str
    PAYOUT_EVENTS_QUEUE_URL: str
    ORDER_EVENTS_QUEUE_URL: str
    AWS_REGION: str = "eu-central-1"
    MIN_PAYOUT_CENTS: int = 2500
    PAYOUT_CURRENCY: str = "EUR"
    MAX_CONTENT_LENGTH: int = 512 * 1024
    CORS_ORIGINS: List[str] = field(default_factory=list)
    JSON_SORT_KEYS: bool = False
    SESSION_COOKIE_SECURE: bool = True
    SESSION_COOKIE_HTTPONLY: bool = True
    SESSION_COOKIE_SAMESITE: str = "Lax"

    @classmethod
    def from_env(cls) -> "Config":
        origins = [o.strip() for o in os.environ.get("CORS_ORIGINS", "").split(",") if o.strip()]
        cfg = cls(
            SQLALCHEMY_DATABASE_URI=_require("DATABASE_URL"),
            REDIS_URL=os.environ.get("REDIS_URL", "redis://localhost:6379/0"),
            PAYMENTS_API_URL=os.environ.get("PAYMENTS_API_URL", "https://api.paylane-connect.com"),
            PAYMENTS_API_KEY=_require("PAYMENTS_API_KEY"),
            WEBHOOK_SECRET=_require("PAYMENTS_WEBHOOK_SECRET"),
            PAYOUT_EVENTS_QUEUE_URL=_require("PAYOUT_EVENTS_QUEUE_URL"),
            ORDER_EVENTS_QUEUE_URL=_require("ORDER_EVENTS_QUEUE_URL"),
            AWS_REGION=os.environ.get("AWS_REGION", "eu-central-1"),
            MIN_PAYOUT_CENTS=_int("MIN_PAYOUT_CENTS", 2500),
            PAYOUT_CURRENCY=os.environ.get("PAYOUT_CURRENCY", "EUR"),
            CORS_ORIGINS=origins,
        )
        if cfg.MIN_PAYOUT_CENTS <= 0:
            raise RuntimeError("MIN_PAYOUT_CENTS must be positive")
        return cfg

    def as_flask_config(self) -> dict:
        return dict(self.__dict__)
