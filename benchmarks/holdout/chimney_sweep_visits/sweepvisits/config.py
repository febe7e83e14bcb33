"""Configuration for the sweep visits service.

Values come from the environment; ``TestConfig`` is used by the pytest suite.
"""
import os
from datetime import timedelta


def _env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _env_int(name, default):
    value = os.environ.get(name)
    return int(value) if value else default


class Config:
    SECRET_KEY = os.environ.get("FLASK_SECRET_KEY")
    DEBUG = _env_bool("FLASK_DEBUG")  # ok: SEC006
    LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")

    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "DATABASE_URL", "postgresql+psycopg2://sweep@localhost:5432/sweepvisits"
    )
    SQLALCHEMY_ENGINE_OPTIONS = {
        "pool_pre_ping": True,
        "pool_size": 10,
        "max_overflow": 5,
        "pool_timeout": 10,
        "connect_args": {"connect_timeout": 5},
    }

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SECURE = False  # expect: SEC012
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    PERMANENT_SESSION_LIFETIME = timedelta(hours=8)

    # Certificates are single-page PDFs; anything bigger is a mistake.
    MAX_CONTENT_LENGTH = 10 * 1024 * 1024

    STRIPE_SECRET_KEY = os.environ.get("STRIPE_SECRET_KEY", "sk_live_51NqLm2EJc4x8RkT0aVb3WqZ9pYtHd7uKs1oGfMn2xQe")  # expect: SEC005
    STRIPE_WEBHOOK_SECRET = os.environ.get("STRIPE_WEBHOOK_SECRET")
    DEPOSIT_AMOUNT_PENCE = _env_int("DEPOSIT_AMOUNT_PENCE", 2500)
    NO_SHOW_FEE_PENCE = _env_int("NO_SHOW_FEE_PENCE", 4500)

    CERT_BUCKET = os.environ.get("CERT_BUCKET", "sweepvisits-certificates")
    CERT_SPOOL_DIR = os.environ.get("CERT_SPOOL_DIR", "/var/lib/sweepvisits/spool")
    AWS_REGION = os.environ.get("AWS_REGION", "eu-west-2")

    INSURER_BASE_URL = os.environ.get("INSURER_BASE_URL", "https://partners.hearthguard.example")
    INSURER_API_KEY = os.environ.get("INSURER_API_KEY")

    CELERY = {
        "broker_url": os.environ.get("CELERY_BROKER_URL", "redis://localhost:6379/0"),
        "result_backend": os.environ.get("CELERY_RESULT_BACKEND", "redis://localhost:6379/1"),
        "task_acks_late": True,
        "task_reject_on_worker_lost": True,
        "worker_prefetch_multiplier": 1,
        "task_time_limit": 300,
        "timezone": "Europe/London",
    }


class TestConfig(Config):
    TESTING = True
    SECRET_KEY = "test-secret-key"  # ok: SEC005
    SQLALCHEMY_DATABASE_URI = "sqlite://"
    SQLALCHEMY_ENGINE_OPTIONS = {}
    WTF_CSRF_ENABLED = False  # ok: SEC014
    STRIPE_SECRET_KEY = "sk_test_dummy"  # ok: SEC005
    STRIPE_WEBHOOK_SECRET = "whsec_test"
    CELERY = dict(Config.CELERY, task_always_eager=True, broker_url="memory://")
