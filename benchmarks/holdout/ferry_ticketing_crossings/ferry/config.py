"""Configuration classes. Gunicorn starts the app with ``ferry:create_app()``."""
import os
from datetime import timedelta


def _env_bool(name, default=False):
    raw = os.environ.get(name)
    if raw is None:
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def _env_int(name, default):
    raw = os.environ.get(name)
    return int(raw) if raw else default


class Config:
    SECRET_KEY = os.environ.get("FERRY_SECRET_KEY")
    DEBUG = _env_bool("FERRY_DEBUG", default=True)  # expect: SEC006
    LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")

    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "DATABASE_URL", "postgresql+psycopg2://ferry@localhost:5432/ferry"
    )
    SQLALCHEMY_ENGINE_OPTIONS = {
        "pool_size": _env_int("DB_POOL_SIZE", 10),
        "max_overflow": 5,
        "pool_pre_ping": True,
        "pool_recycle": 1800,
        "connect_args": {"connect_timeout": 5, "options": "-c statement_timeout=15000"},
    }
    SQLALCHEMY_TRACK_MODIFICATIONS = False

    SESSION_COOKIE_NAME = "ferry_session"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SECURE = False  # expect: SEC012
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SECURE = True
    REMEMBER_COOKIE_DURATION = timedelta(days=14)
    PERMANENT_SESSION_LIFETIME = timedelta(hours=12)

    MAX_CONTENT_LENGTH = 2 * 1024 * 1024

    STRIPE_API_KEY = os.environ.get("STRIPE_API_KEY", "")
    STRIPE_WEBHOOK_SECRET = os.environ.get("STRIPE_WEBHOOK_SECRET", "")
    CURRENCY = "gbp"

    TIDELINE_URL = os.environ.get("TIDELINE_URL", "https://api.tideline.example/v2")
    TIDELINE_API_KEY = os.environ.get("TIDELINE_API_KEY", "")
    MARINE_WEATHER_URL = os.environ.get("MARINE_WEATHER_URL", "https://marine.metdata.example/v1")
    MARINE_WEATHER_TOKEN = os.environ.get("MARINE_WEATHER_TOKEN", "")

    SMTP_HOST = os.environ.get("SMTP_HOST", "localhost")
    SMTP_PORT = _env_int("SMTP_PORT", 587)
    MAIL_FROM = os.environ.get("MAIL_FROM", "Island Ferries <bookings@islandferries.example>")
    PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "https://book.islandferries.example")

    # Fares, in pence
    FOOT_FARE_ADULT = 1250
    FOOT_FARE_CHILD = 625
    VEHICLE_FARE_PER_METRE = 950
    VEHICLE_HEIGHT_SURCHARGE = 2200
    MAX_FOOT_PASSENGERS_PER_BOOKING = 9

    # Operating limits used by the tide and weather checks
    MIN_TIDE_HEIGHT_M = 1.4
    MAX_BEAUFORT = 8


class TestConfig(Config):
    TESTING = True
    SECRET_KEY = "test-secret-key"  # ok: SEC005
    SQLALCHEMY_DATABASE_URI = "sqlite://"
    SQLALCHEMY_ENGINE_OPTIONS = {}
    STRIPE_API_KEY = ""
