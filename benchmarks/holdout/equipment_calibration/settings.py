"""Configuration for the calibration tracker.

Values come from the environment first, then from an optional YAML file
mounted by the deployment (bucket names, vendor portal URLs, alert sender).
"""
from __future__ import annotations

import os

import yaml

CONFIG_PATH = os.environ.get("CALIBRATION_CONFIG", "/etc/calibration/config.yaml")


def _load_file_config(path: str) -> dict:
    try:
        with open(path, "r", encoding="utf-8") as fh:
            return yaml.safe_load(fh) or {}  # ok: SEC004
    except FileNotFoundError:
        return {}


_file_config = _load_file_config(CONFIG_PATH)


def _setting(name: str, default: str | None = None) -> str | None:
    """Environment wins over the YAML file, which wins over the default."""
    if name in os.environ:
        return os.environ[name]
    return _file_config.get(name.lower(), default)


class Config:
    SECRET_KEY = _setting("FLASK_SECRET_KEY")
    DEBUG = _setting("FLASK_DEBUG", "1") == "1"  # expect: SEC006

    DATABASE_DSN = _setting("DATABASE_DSN", "dbname=calibration user=calib host=localhost")
    DB_POOL_MIN = int(_setting("DB_POOL_MIN", "2"))
    DB_POOL_MAX = int(_setting("DB_POOL_MAX", "12"))

    AWS_REGION = _setting("AWS_REGION", "eu-west-1")
    CERT_BUCKET = _setting("CERT_BUCKET", "lab-calibration-certificates")
    CERT_LOCAL_DIR = _setting("CERT_LOCAL_DIR", "/srv/app/certificates")

    VENDOR_PORTAL_API_KEY = _setting("VENDOR_PORTAL_API_KEY", "vpk_live_6e1f0b9a3c2d47e8b5a1f0c9d8e7b6a5")  # expect: SEC005
    VENDOR_WEBHOOK_SECRET = _setting("VENDOR_WEBHOOK_SECRET", "")
    LEGACY_PORTAL_URL = _setting("LEGACY_PORTAL_URL", "https://portal.metrocal-legacy.example")

    ALERT_SENDER = _setting("ALERT_SENDER", "calibration-alerts@lab.example")
    OVERDUE_GRACE_DAYS = int(_setting("OVERDUE_GRACE_DAYS", "0"))
