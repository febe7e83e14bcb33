"""Configuration loaded from the environment when the app is created."""
import os
from datetime import timedelta


class ConfigError(RuntimeError):
    """A required setting is missing or malformed."""


def _bool(name, default=False):
    raw = os.environ.get(name)
    if raw is None:
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def _int(name, default):
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ConfigError(f"{name} must be an integer, got {raw!r}") from exc


def _required(name):
    value = os.environ.get(name)
    if not value:
        raise ConfigError(f"{name} must be set")
    return value


def load_config():
    """Return the Flask config mapping; raises ConfigError on a missing value."""
    return {
        "SECRET_KEY": _required("CHARTER_SECRET_KEY"),
        "DEBUG": _bool("CHARTER_DEBUG"),  # ok: SEC006
        "LOG_LEVEL": os.environ.get("LOG_LEVEL", "INFO"),
        "PUBLIC_BASE_URL": os.environ.get("PUBLIC_BASE_URL", "https://book.example-seaplanes.ca"),
        # Database
        "SQLALCHEMY_DATABASE_URI": _required("DATABASE_URL"),
        "SQLALCHEMY_TRACK_MODIFICATIONS": False,
        "SQLALCHEMY_ENGINE_OPTIONS": {
            "pool_size": _int("DB_POOL_SIZE", 5),
            "max_overflow": 5,
            "pool_pre_ping": True,
            "pool_timeout": 10,
            "connect_args": {"connect_timeout": 5, "options": "-c statement_timeout=15000"},
        },
        # Sessions and uploads
        "SESSION_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": True,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "PERMANENT_SESSION_LIFETIME": timedelta(hours=12),
        "MAX_CONTENT_LENGTH": 2 * 1024 * 1024,
        # Payments
        "STRIPE_API_KEY": _required("STRIPE_API_KEY"),
        "STRIPE_WEBHOOK_SECRET": _required("STRIPE_WEBHOOK_SECRET"),
        "CURRENCY": "cad",
        # Weather partner
        "METAR_BASE_URL": os.environ.get("METAR_BASE_URL", "https://aviationweather.gov/api/data"),
        "METAR_API_TOKEN": os.environ.get("METAR_API_TOKEN"),
        "METAR_TIMEOUT_SECONDS": float(os.environ.get("METAR_TIMEOUT_SECONDS", "4")),
        "WEATHER_MIN_VISIBILITY_SM": float(os.environ.get("WEATHER_MIN_VISIBILITY_SM", "3")),
        "WEATHER_MAX_WIND_KT": _int("WEATHER_MAX_WIND_KT", 25),
        # Mail
        "SMTP_HOST": os.environ.get("SMTP_HOST", "smtp.mailgun.org"),
        "SMTP_PORT": _int("SMTP_PORT", 587),
        "SMTP_USER": os.environ.get("SMTP_USER", ""),
        "SMTP_PASSWORD": os.environ.get("SMTP_PASSWORD", ""),
        "MAIL_FROM": os.environ.get("MAIL_FROM", "bookings@example-seaplanes.ca"),
        # Dock office reports
        "MANIFEST_DIR": os.environ.get("MANIFEST_DIR", "/var/charter/manifests"),
    }
