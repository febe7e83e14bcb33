"""Configuration classes, selected by APP_ENV (production unless told otherwise)."""
import os
from datetime import timedelta


def _env_int(name, default):
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise RuntimeError(f"{name} must be an integer, got {raw!r}") from exc


class BaseConfig:
    SECRET_KEY = "st1tchw0rks-f1ttings-7c41e9b2d0a35f68"  # expect: SEC005

    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL", "postgresql+psycopg2://localhost/tailor")
    SQLALCHEMY_ENGINE_OPTIONS = {
        "pool_pre_ping": True,
        "pool_size": _env_int("DB_POOL_SIZE", 5),
        "max_overflow": 5,
        "pool_timeout": 10,
    }
    SQLALCHEMY_TRACK_MODIFICATIONS = False

    # receipts, card tokens and webhook bodies are all tiny
    MAX_CONTENT_LENGTH = 2 * 1024 * 1024

    PAYMENTS_BASE_URL = os.environ.get("PAYMENTS_BASE_URL", "https://api.tillpoint.example/v2")
    PAYMENTS_API_KEY = os.environ.get("PAYMENTS_API_KEY", "")
    PAYMENTS_WEBHOOK_SECRET = os.environ.get("PAYMENTS_WEBHOOK_SECRET", "")
    PAYMENTS_CURRENCY = "GBP"

    SMS_BASE_URL = os.environ.get("SMS_BASE_URL", "https://rest.textline.example")
    SMS_API_TOKEN = os.environ.get("SMS_API_TOKEN", "")
    SMS_SENDER = os.environ.get("SMS_SENDER", "Stitchworks")
    SHOP_TIMEZONE = "Europe/London"

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False  # expect: SEC012
    REMEMBER_COOKIE_SECURE = True
    REMEMBER_COOKIE_HTTPONLY = True
    PERMANENT_SESSION_LIFETIME = timedelta(hours=10)

    CUSTOMER_LINK_MAX_AGE = int(timedelta(days=21).total_seconds())
    DEPOSIT_RATE = "0.30"
    DEBUG = False
    TESTING = False


class DevelopmentConfig(BaseConfig):
    DEBUG = True  # ok: SEC006
    SQLALCHEMY_ECHO = True


class TestingConfig(BaseConfig):
    TESTING = True
    SQLALCHEMY_DATABASE_URI = "sqlite://"
    WTF_CSRF_ENABLED = False  # ok: SEC014


class ProductionConfig(BaseConfig):
    PREFERRED_URL_SCHEME = "https"


_CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def config_for(env_name=None):
    name = (env_name or os.environ.get("APP_ENV", "production")).lower()
    try:
        return _CONFIGS[name]
    except KeyError:
        raise RuntimeError(f"unknown APP_ENV {name!r}; expected one of {sorted(_CONFIGS)}") from None
