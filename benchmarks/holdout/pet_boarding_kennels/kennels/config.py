import os
from datetime import timedelta

from celery.schedules import crontab


def _env(name: str, default: str | None = None) -> str | None:
    return os.environ.get(name, default)


class BaseConfig:
    SQLALCHEMY_DATABASE_URI = _env(
        "DATABASE_URL", "postgresql+psycopg2://kennels@localhost:5432/kennels"
    )
    SQLALCHEMY_TRACK_MODIFICATIONS = False
    SQLALCHEMY_ENGINE_OPTIONS = {
        "pool_pre_ping": True,
        "pool_size": 10,
        "max_overflow": 5,
        "connect_args": {"connect_timeout": 5},
    }

    SECRET_KEY = _env("FLASK_SECRET_KEY")
    SESSION_COOKIE_SECURE = True
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = True
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_DURATION = timedelta(days=14)
    LOG_LEVEL = _env("LOG_LEVEL", "INFO")

    STRIPE_SECRET_KEY = _env("STRIPE_SECRET_KEY", "sk_live_51NqPawsbury8XkT2mVb0LrQ7eYc4HdZwA9sJ")  # expect: SEC005
    STRIPE_WEBHOOK_SECRET = _env("STRIPE_WEBHOOK_SECRET")
    DEPOSIT_PERCENT = int(_env("DEPOSIT_PERCENT", "25"))
    CURRENCY = "gbp"

    AWS_REGION = _env("AWS_REGION", "eu-west-2")
    RECORDS_BUCKET = _env("KENNELS_RECORDS_BUCKET", "pawsbury-vaccination-records")
    PHOTOS_BUCKET = _env("KENNELS_PHOTOS_BUCKET", "pawsbury-stay-photos")
    VACCINATION_UPLOAD_DIR = _env("VACCINATION_UPLOAD_DIR", "/srv/kennels/uploads")
    PHOTO_MAILER_URL = _env("PHOTO_MAILER_URL", "http://mailer.internal:8025/v1/messages")
    RECEIPT_MAILER_URL = _env("RECEIPT_MAILER_URL", "http://mailer.internal:8025/v1/receipts")

    CELERY = {
        "broker_url": _env("CELERY_BROKER_URL", "redis://localhost:6379/0"),
        "result_backend": _env("CELERY_RESULT_BACKEND", "redis://localhost:6379/1"),
        "task_acks_late": True,
        "task_reject_on_worker_lost": True,
        "worker_prefetch_multiplier": 1,
        "beat_schedule": {
            "daily-photo-updates": {
                "task": "kennels.photos.daily_updates.send_daily_photo_updates",
                "schedule": crontab(hour=18, minute=30),
            },
        },
    }


class ProductionConfig(BaseConfig):
    pass


class DevelopmentConfig(BaseConfig):
    DEBUG = True  # ok: SEC006
    SESSION_COOKIE_SECURE = False  # ok: SEC012
    REMEMBER_COOKIE_SECURE = False
    LOG_LEVEL = "DEBUG"


class TestingConfig(BaseConfig):
    TESTING = True
    SQLALCHEMY_DATABASE_URI = "sqlite://"
    STRIPE_SECRET_KEY = "sk_test_placeholder"
