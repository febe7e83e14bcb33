"""Runtime configuration for the marina booking service.

Everything that differs between staging and production comes from the
environment; the defaults are only good enough for a laptop.
"""
import os
from datetime import timedelta


def _flag(name, default="0"):
    return os.environ.get(name, default).strip().lower() in {"1", "true", "yes", "on"}


def _list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


class Config:
    SECRET_KEY = os.environ.get("MARINA_SECRET_KEY")  # ok: SEC005
    DEBUG = _flag("FLASK_DEBUG")  # ok: SEC006

    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "DATABASE_URL", "postgresql+psycopg2://marina@localhost:5432/marina"
    )
    SQLALCHEMY_TRACK_MODIFICATIONS = False
    SQLALCHEMY_ENGINE_OPTIONS = {
        "pool_size": int(os.environ.get("DB_POOL_SIZE", "10")),
        "max_overflow": 5,
        "pool_pre_ping": True,
        "pool_recycle": 1800,
        "connect_args": {"connect_timeout": 5},
    }

    SESSION_COOKIE_SECURE = True
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = True
    REMEMBER_COOKIE_HTTPONLY = True
    PERMANENT_SESSION_LIFETIME = timedelta(hours=12)
    MAX_CONTENT_LENGTH = 2 * 1024 * 1024
    WTF_CSRF_ENABLED = True

    CORS_ORIGINS = _list("CORS_ORIGINS", "https://book.kestrelquay-marina.co.uk")

    STRIPE_SECRET_KEY = os.environ.get("STRIPE_SECRET_KEY", "")
    STRIPE_WEBHOOK_SECRET = os.environ.get("STRIPE_WEBHOOK_SECRET", "")
    PASSWORD_PEPPER = os.environ.get("PASSWORD_PEPPER", "")

    CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "redis://localhost:6379/0")
    CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND", "redis://localhost:6379/1")

    PEDESTAL_GATEWAY_URL = os.environ.get("PEDESTAL_GATEWAY_URL", "http://pedestals.local:8080")
    PEDESTAL_GATEWAY_TOKEN = os.environ.get("PEDESTAL_GATEWAY_TOKEN", "")
    SMS_GATEWAY_URL = os.environ.get("SMS_GATEWAY_URL", "https://sms.example.net/v1/messages")
    SMS_GATEWAY_KEY = os.environ.get("SMS_GATEWAY_KEY", "")
    ACCOUNTS_API_URL = os.environ.get("ACCOUNTS_API_URL", "https://ledger.internal/api")
    MAIL_API_URL = os.environ.get("MAIL_API_URL", "https://mail.internal/send")
    TIDE_API_URL = os.environ.get("TIDE_API_URL", "https://tides.example.org/api/v2")

    HTTP_TIMEOUT_SECONDS = float(os.environ.get("HTTP_TIMEOUT_SECONDS", "8"))
    ELECTRICITY_PENCE_PER_KWH = int(os.environ.get("ELECTRICITY_PENCE_PER_KWH", "34"))
    FUEL_PENCE_PER_LITRE = {
        "diesel": int(os.environ.get("DIESEL_PENCE_PER_LITRE", "142")),
        "petrol": int(os.environ.get("PETROL_PENCE_PER_LITRE", "158")),
    }


class TestConfig(Config):
    TESTING = True
    SECRET_KEY = "test-only-secret"  # ok: SEC005
    SQLALCHEMY_DATABASE_URI = "sqlite://"
    SQLALCHEMY_ENGINE_OPTIONS = {}
    WTF_CSRF_ENABLED = False  # ok: SEC014
    SESSION_COOKIE_SECURE = False  # ok: SEC012
