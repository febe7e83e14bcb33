"""Runtime configuration for the textbook buyback service.

Everything that differs between environments comes from the process
environment; the defaults below are the safe ones.
"""
import os
from datetime import timedelta


def _flag(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def _int(name: str, default: int) -> int:
    try:
        return int(os.environ.get(name, default))
    except ValueError:
        return default


class Config:
    SECRET_KEY = os.environ.get("BUYBACK_SECRET_KEY", "")  # ok: SEC005
    DEBUG = _flag("FLASK_DEBUG", False)  # ok: SEC006
    TESTING = False

    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "DATABASE_URL", "postgresql+psycopg2://buyback@localhost:5432/buyback"
    )
    SQLALCHEMY_TRACK_MODIFICATIONS = False
    SQLALCHEMY_ENGINE_OPTIONS = {
        "pool_size": _int("DB_POOL_SIZE", 10),
        "max_overflow": 5,
        "pool_pre_ping": True,
        "pool_recycle": 1800,
        "connect_args": {"connect_timeout": 5},
    }

    SESSION_COOKIE_SECURE = _flag("SESSION_COOKIE_SECURE", True)  # ok: SEC012
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = True
    PERMANENT_SESSION_LIFETIME = timedelta(hours=8)

    # Condition photos and packing-slip scans are the only uploads we take.
    MAX_CONTENT_LENGTH = 12 * 1024 * 1024
    ALLOWED_ORIGINS = [o for o in os.environ.get("ALLOWED_ORIGINS", "").split(",") if o]

    PRICING_API_URL = os.environ.get("PRICING_API_URL", "https://api.bookvalue.example.net/v2")
    PRICING_API_KEY = os.environ.get("PRICING_API_KEY", "")

    PAYPAL_API_BASE = os.environ.get("PAYPAL_API_BASE", "https://api-m.paypal.com")
    PAYPAL_CLIENT_ID = os.environ.get("PAYPAL_CLIENT_ID", "")
    PAYPAL_CLIENT_SECRET = os.environ.get("PAYPAL_CLIENT_SECRET", "")
    STRIPE_SECRET_KEY = os.environ.get("STRIPE_SECRET_KEY", "")

    PHOTO_BUCKET = os.environ.get("PHOTO_BUCKET", "buyback-condition-photos")
    PHOTO_UPLOAD_DIR = os.environ.get("PHOTO_UPLOAD_DIR", "/srv/buyback/photos")
    AWS_REGION = os.environ.get("AWS_REGION", "us-east-1")

    CELERY = {
        "broker_url": os.environ.get("CELERY_BROKER_URL", "redis://localhost:6379/0"),
        "result_backend": os.environ.get("CELERY_RESULT_BACKEND", "redis://localhost:6379/1"),
        "task_acks_late": True,
        "task_reject_on_worker_lost": True,
        "worker_prefetch_multiplier": 1,
        "task_time_limit": 300,
        "beat_schedule": {
            "weekly-paypal-batch": {
                "task": "buyback.payout_batch.run_weekly_batch",
                "schedule": 7 * 24 * 3600,
            },
        },
    }


class TestConfig(Config):
    TESTING = True
    SECRET_KEY = "test-secret"
    SQLALCHEMY_DATABASE_URI = "sqlite://"
    SQLALCHEMY_ENGINE_OPTIONS = {}
    WTF_CSRF_ENABLED = False  # ok: SEC014
    CELERY = {**Config.CELERY, "task_always_eager": True}
