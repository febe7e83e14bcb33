"""Configuration: non-secret settings from a YAML file, secrets from the environment."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

DEFAULT_CONFIG_PATH = "/etc/merch/config.yaml"


class ConfigError(RuntimeError):
    pass


@dataclass(frozen=True)
class ServiceEndpoint:
    base_url: str
    api_key: str
    timeout_s: float


@dataclass(frozen=True)
class AppConfig:
    secret_key: str
    db_path: str
    s3_bucket: str
    s3_region: str
    max_upload_mb: int
    payments: ServiceEndpoint
    print_partner: ServiceEndpoint
    carrier: ServiceEndpoint
    tax_url: str
    webhook_secret: str
    blanks_dir: str


def _secret(name: str) -> str:
    value = os.environ.get(name)
    if not value:
        raise ConfigError(f"environment variable {name} is required")
    return value


def _endpoint(raw: dict[str, Any], section: str, key_env: str) -> ServiceEndpoint:
    block = raw.get(section) or {}
    if "base_url" not in block:
        raise ConfigError(f"{section}.base_url missing from config")
    return ServiceEndpoint(
        base_url=str(block["base_url"]).rstrip("/"),
        api_key=_secret(key_env),
        timeout_s=float(block.get("timeout_s", 10)),
    )


def load_config(path: str | None = None) -> AppConfig:
    config_path = Path(path or os.environ.get("MERCH_CONFIG", DEFAULT_CONFIG_PATH))
    with config_path.open("r", encoding="utf-8") as fh:
        raw = yaml.safe_load(fh) or {}  # ok: SEC004
    if not isinstance(raw, dict):
        raise ConfigError(f"{config_path} must contain a mapping")
    storage = raw.get("storage") or {}
    return AppConfig(
        secret_key=_secret("FLASK_SECRET_KEY"),
        db_path=str(storage.get("db_path", "/data/merch.sqlite3")),
        s3_bucket=str(storage.get("s3_bucket", "merch-artwork")),
        s3_region=str(storage.get("s3_region", "eu-central-1")),
        max_upload_mb=int(raw.get("max_upload_mb", 25)),
        payments=_endpoint(raw, "payments", "PAYMENTS_API_KEY"),
        print_partner=_endpoint(raw, "print_partner", "PRINT_PARTNER_API_KEY"),
        carrier=_endpoint(raw, "carrier", "CARRIER_API_KEY"),
        tax_url=str((raw.get("tax") or {}).get("base_url", "http://tax.internal")).rstrip("/"),
        webhook_secret=_secret("PRINT_PARTNER_WEBHOOK_SECRET"),
        blanks_dir=str(storage.get("blanks_dir", "/srv/merch/blanks")),
    )
