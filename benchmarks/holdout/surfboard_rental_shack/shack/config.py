"""Configuration loaded from the environment when the app is created."""
from __future__ import annotations

import os
from dataclasses import dataclass


class ConfigError(RuntimeError):
    pass


def _required(name: str) -> str:
    value = os.environ.get(name, "").strip()
    if not value:
        raise ConfigError(f"{name} must be set")
    return value


def _flag(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return raw.strip().lower() in {"1", "true", "yes"}


@dataclass(frozen=True)
class ShackConfig:
    mongo_uri: str
    mongo_db: str
    redis_url: str
    jwt_secret: str
    widget_jwt_secret: str
    payments_base_url: str
    payments_api_key: str
    forecast_base_url: str
    tides_base_url: str
    smtp_host: str
    smtp_port: int
    smtp_user: str
    smtp_password: str
    mail_from: str
    till_report_to: str
    debug: bool
    max_upload_bytes: int
    hourly_board_rate_pence: int
    hourly_wetsuit_rate_pence: int

    def to_flask(self) -> dict:
        return {
            "DEBUG": self.debug,
            "SECRET_KEY": self.jwt_secret,
            "MAX_CONTENT_LENGTH": self.max_upload_bytes,
            "JSON_SORT_KEYS": False,
        }


def load_config() -> ShackConfig:
    return ShackConfig(
        mongo_uri=_required("MONGO_URI"),
        mongo_db=os.environ.get("MONGO_DB", "shack"),
        redis_url=os.environ.get("REDIS_URL", "redis://localhost:6379/0"),
        jwt_secret=_required("JWT_SECRET"),  # ok: SEC005
        widget_jwt_secret=_required("WIDGET_JWT_SECRET"),
        payments_base_url=os.environ.get("PAYMENTS_BASE_URL", "https://api.tillpoint.io"),
        payments_api_key=_required("PAYMENTS_API_KEY"),
        forecast_base_url=os.environ.get("FORECAST_BASE_URL", "https://api.swellcast.io/v3"),
        tides_base_url=os.environ.get("TIDES_BASE_URL", "https://tides.coastdata.org.uk/api"),
        smtp_host=os.environ.get("SMTP_HOST", "smtp.eu.mailgun.org"),
        smtp_port=int(os.environ.get("SMTP_PORT", "587")),
        smtp_user=os.environ.get("SMTP_USER", ""),
        smtp_password=os.environ.get("SMTP_PASSWORD", ""),
        mail_from=os.environ.get("MAIL_FROM", "Board Shack <hello@boardshack.co.uk>"),
        till_report_to=os.environ.get("TILL_REPORT_TO", "owner@boardshack.co.uk"),
        debug=_flag("FLASK_DEBUG", default=False),  # ok: SEC006
        max_upload_bytes=int(os.environ.get("MAX_UPLOAD_BYTES", str(2 * 1024 * 1024))),
        hourly_board_rate_pence=int(os.environ.get("BOARD_RATE_PENCE", "1200")),
        hourly_wetsuit_rate_pence=int(os.environ.get("WETSUIT_RATE_PENCE", "600")),
    )
