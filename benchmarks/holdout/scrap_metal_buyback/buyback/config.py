"""Runtime settings for the buyback service, read once from the environment."""
from __future__ import annotations

import json
import os
from dataclasses import dataclass, field


class ConfigError(RuntimeError):
    pass


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ConfigError(f"{name} must be an integer, got {raw!r}") from exc


_DEFAULT_FEEDS = [
    {
        "name": "metals-desk",
        "url": "https://quotes.metalsdesk.example/v1/spot",
        "symbols": ["CU1", "CU2", "AL-CAST", "AL-EXT", "BRASS-Y", "SS304", "PB"],
    },
]


@dataclass(frozen=True)
class Settings:
    database_url: str
    secret_key: str
    payout_api_url: str
    payout_api_key: str = field(repr=False)
    compliance_api_url: str
    price_feeds: list[dict]
    feed_ca_bundle: str
    cash_limit_cents: int
    max_upload_bytes: int
    id_scan_dir: str
    price_margin_pct: int
    db_pool_max: int

    @classmethod
    def from_env(cls) -> "Settings":
        env = os.environ.get
        secret_key = env("BUYBACK_SECRET_KEY", "")
        if not secret_key and env("BUYBACK_ENV", "production") != "development":
            raise ConfigError("BUYBACK_SECRET_KEY must be set outside development")
        feeds_raw = env("BUYBACK_PRICE_FEEDS")
        return cls(
            database_url=env("BUYBACK_DATABASE_URL", "postgresql://buyback@localhost:5432/buyback"),
            secret_key=secret_key or "development-only",
            payout_api_url=env("PAYOUT_API_URL", "https://api.yardpay.example/v1"),
            payout_api_key=env("PAYOUT_API_KEY", ""),
            compliance_api_url=env("COMPLIANCE_API_URL", "https://hub.metaltheft.example/api"),
            price_feeds=json.loads(feeds_raw) if feeds_raw else _DEFAULT_FEEDS,
            feed_ca_bundle=env("FEED_CA_BUNDLE", "/etc/buyback/feed-ca.pem"),
            cash_limit_cents=_int("CASH_LIMIT_CENTS", 50_000),
            max_upload_bytes=_int("MAX_UPLOAD_BYTES", 8 * 1024 * 1024),
            id_scan_dir=env("ID_SCAN_DIR", "/var/lib/buyback/id-scans"),
            price_margin_pct=_int("PRICE_MARGIN_PCT", 18),
            db_pool_max=_int("DB_POOL_MAX", 10),
        )


settings = Settings.from_env()
