"""Runtime configuration, read from the environment once at startup."""
import os
from datetime import timedelta


def _env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return int(raw)


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY")
    DEBUG = _env_bool("FLASK_DEBUG", default=False)  # ok: SEC006
    LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")

    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "DATABASE_URL", "postgresql+psycopg2://bakery@localhost:5432/bakery"
    )
    SQLALCHEMY_ENGINE_OPTIONS = {
        "pool_size": _env_int("DB_POOL_SIZE", 10),
        "max_overflow": 5,
        "pool_timeout": 10,
        "pool_pre_ping": True,
        "connect_args": {"connect_timeout": 5},
    }
    SQLALCHEMY_TRACK_MODIFICATIONS = False

    SESSION_COOKIE_SECURE = True
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = True
    REMEMBER_COOKIE_HTTPONLY = True
    PERMANENT_SESSION_LIFETIME = timedelta(hours=12)
    MAX_CONTENT_LENGTH = 2 * 1024 * 1024

    CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "redis://redis:6379/0")
    CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND", "redis://redis:6379/1")

    STRIPE_API_KEY = os.environ.get("STRIPE_API_KEY", "")
    STRIPE_TIMEOUT_SECONDS = _env_int("STRIPE_TIMEOUT_SECONDS", 20)

    ROUTING_API_URL = os.environ.get("ROUTING_API_URL", "https://api.routeplanner.example/v2")
    ROUTING_API_KEY = os.environ.get("ROUTING_API_KEY", "")
    SMS_API_URL = os.environ.get("SMS_API_URL", "https://sms.example-gateway.com/v1/messages")
    SMS_API_TOKEN = os.environ.get("SMS_API_TOKEN", "")
    MAIL_API_URL = os.environ.get("MAIL_API_URL", "https://api.postmarkapp.com/email")
    MAIL_API_TOKEN = os.environ.get("MAIL_API_TOKEN", "")
    MAIL_FROM = os.environ.get("MAIL_FROM", "orders@crumbandco.com")

    ORDER_CUTOFF_HOUR = _env_int("ORDER_CUTOFF_HOUR", 14)
    BAKERY_TIMEZONE = os.environ.get("BAKERY_TIMEZONE", "Europe/London")
    INVOICE_ARCHIVE_DIR = os.environ.get("INVOICE_ARCHIVE_DIR", "/var/lib/bakery/invoices")
