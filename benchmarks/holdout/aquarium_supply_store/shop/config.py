"""Runtime configuration for the storefront and the Celery workers."""
import os
from datetime import timedelta


def _env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise RuntimeError(f"{name} must be an integer, got {raw!r}") from exc


class BaseConfig:
    TESTING = False
    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "DATABASE_URL", "postgresql+psycopg2://shop@localhost:5432/shop"
    )
    SQLALCHEMY_ENGINE_OPTIONS = {
        "pool_size": _env_int("DB_POOL_SIZE", 10),
        "max_overflow": 5,
        "pool_pre_ping": True,
        "pool_recycle": 1800,
        "connect_args": {"connect_timeout": 5},
    }
    SQLALCHEMY_TRACK_MODIFICATIONS = False

    SECRET_KEY = os.environ.get("SECRET_KEY")
    DEBUG = _env_bool("FLASK_DEBUG", default=False)  # ok: SEC006

    SESSION_COOKIE_SECURE = True
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = True
    REMEMBER_COOKIE_HTTPONLY = True
    PERMANENT_SESSION_LIFETIME = timedelta(days=14)
    MAX_CONTENT_LENGTH = 8 * 1024 * 1024

    PAYMENTS_BASE_URL = os.environ.get("PAYMENTS_BASE_URL", "https://api.payrail.example/v1")
    PAYMENTS_API_KEY_FILE = os.environ.get("PAYMENTS_API_KEY_FILE", "/run/secrets/payments_api_key")
    PAYMENTS_TIMEOUT_SECONDS = float(os.environ.get("PAYMENTS_TIMEOUT_SECONDS", "10"))

    REDIS_URL = os.environ.get("REDIS_URL", "redis://localhost:6379/0")
    CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", REDIS_URL)

    SMTP_HOST = os.environ.get("SMTP_HOST", "localhost")
    MAIL_FROM = os.environ.get("MAIL_FROM", "orders@reefandriver.example")
    INVOICE_DIR = os.environ.get("INVOICE_DIR", "/var/shop/invoices")

    CARRIER_API_URL = os.environ.get("CARRIER_API_URL", "https://tracking.carrier.example/v2")
    WEATHER_API_URL = os.environ.get("WEATHER_API_URL", "https://forecast.weather.example/v1")
    LIVESTOCK_MIN_TEMP_F = _env_int("LIVESTOCK_MIN_TEMP_F", 40)
    LIVESTOCK_MAX_TEMP_F = _env_int("LIVESTOCK_MAX_TEMP_F", 90)
    LIVESTOCK_SHIP_DAYS = ("MON", "TUE", "WED")

    CORS_ORIGINS = [o.strip() for o in os.environ.get("CORS_ORIGINS", "").split(",") if o.strip()]


class TestConfig(BaseConfig):
    TESTING = True
    SQLALCHEMY_DATABASE_URI = "sqlite://"
    SQLALCHEMY_ENGINE_OPTIONS = {}
    SECRET_KEY = "test-secret"  # ok: SEC005
    WTF_CSRF_ENABLED = False  # ok: SEC014


_CONFIGS = {"production": BaseConfig, "test": TestConfig}


def load_config(name: str | None = None):
    name = name or os.environ.get("APP_ENV", "production")
    try:
        cfg = _CONFIGS[name]
    except KeyError as exc:
        raise RuntimeError(f"unknown APP_ENV {name!r}") from exc
    if not cfg.TESTING and not cfg.SECRET_KEY:
        raise RuntimeError("SECRET_KEY must be set outside of tests")
    return cfg
