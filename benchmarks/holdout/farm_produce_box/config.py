"""Configuration: business settings from a YAML file, credentials from the environment."""
import os
from dataclasses import dataclass, field
from pathlib import Path

import yaml

DEFAULT_CONFIG_PATH = "/etc/produce-box/config.yaml"


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    username: str
    password: str = field(repr=False)
    sender: str = "boxes@greenacre.example"


@dataclass(frozen=True)
class FarmApi:
    farm_id: int
    api_url: str
    token: str = field(repr=False)


@dataclass(frozen=True)
class Settings:
    database_dsn: str = field(repr=False)
    smtp: SmtpSettings
    route_tool_path: str
    price_feed_urls: dict
    supplier_tokens: dict = field(repr=False)
    farms: list = field(default_factory=list)


def _env(name, default=""):
    return os.environ.get(name, default)


def load_settings(path=None):
    config_path = Path(path or _env("PRODUCE_BOX_CONFIG", DEFAULT_CONFIG_PATH))
    with config_path.open("r", encoding="utf-8") as fh:
        raw = yaml.safe_load(fh) or {}  # ok: SEC004

    smtp_raw = raw.get("smtp", {})
    suppliers = raw.get("suppliers", {})
    farms = [
        FarmApi(farm_id=int(f["id"]), api_url=f["api_url"], token=_env(f"FARM_TOKEN_{f['id']}"))
        for f in raw.get("farms", [])
    ]
    return Settings(
        database_dsn=_env("DATABASE_URL", "postgresql://produce@localhost:5432/produce"),
        smtp=SmtpSettings(
            host=smtp_raw.get("host", "localhost"),
            port=int(smtp_raw.get("port", 587)),
            username=smtp_raw.get("username", ""),
            password=_env("SMTP_PASSWORD"),
            sender=smtp_raw.get("sender", "boxes@greenacre.example"),
        ),
        route_tool_path=raw.get("route_tool_path", "/usr/local/bin/routeopt"),
        price_feed_urls={code: s["feed_url"] for code, s in suppliers.items()},
        supplier_tokens={code: _env(f"SUPPLIER_TOKEN_{code.upper()}") for code in suppliers},
        farms=farms,
    )


def get_settings():
    from flask import current_app

    return current_app.extensions["produce_settings"]
