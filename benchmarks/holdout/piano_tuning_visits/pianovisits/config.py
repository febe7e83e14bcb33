"""Configuration classes, chosen by the PIANOVISITS_ENV environment variable."""

import os
from datetime import timedelta


class BaseConfig:
    LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")
    DEBUG = False
    TESTING = False

    DATABASE_URL = os.environ.get(
        "DATABASE_URL", "postgresql://pianovisits@localhost:5432/pianovisits"
    )
    DB_POOL_MAX = int(os.environ.get("DB_POOL_MAX", "10"))

    SECRET_KEY = os.environ.get("FLASK_SECRET_KEY", "a440-tuning-fork-7f3c9e21b8d45a06")  # expect: SEC005
    PERMANENT_SESSION_LIFETIME = timedelta(hours=12)
    SESSION_COOKIE_NAME = "pv_session"
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = True
    SESSION_COOKIE_HTTPONLY = False  # expect: SEC012

    AWS_REGION = os.environ.get("AWS_REGION", "eu-west-2")
    INVOICE_BUCKET = os.environ.get("INVOICE_BUCKET", "pianovisits-invoices")
    SIGNED_COPY_BUCKET = os.environ.get("SIGNED_COPY_BUCKET", "pianovisits-signed")
    NOTIFY_QUEUE_URL = os.environ.get("NOTIFY_QUEUE_URL", "")
    NOTIFY_FIFO_QUEUE_URL = os.environ.get("NOTIFY_FIFO_QUEUE_URL", "")
    SMS_DAILY_LIMIT = int(os.environ.get("SMS_DAILY_LIMIT", "3"))

    PARTS_SUPPLIER_URL = os.environ.get(
        "PARTS_SUPPLIER_URL", "https://api.pianoparts-wholesale.example/v1"
    )
    PARTS_SUPPLIER_API_KEY = os.environ.get("PARTS_SUPPLIER_API_KEY", "")  # ok: SEC005

    CALENDAR_API_URL = os.environ.get(
        "CALENDAR_API_URL", "https://calendar-sync.example/api"
    )
    CALENDAR_API_TOKEN = os.environ.get("CALENDAR_API_TOKEN", "")
    CALENDAR_WEBHOOK_SECRET = os.environ.get("CALENDAR_WEBHOOK_SECRET", "")

    INVOICE_LINK_TTL_SECONDS = 300
    REMINDER_LEAD_HOURS = 24


class ProductionConfig(BaseConfig):
    PREFERRED_URL_SCHEME = "https"


class DevelopmentConfig(BaseConfig):
    DEBUG = True  # ok: SEC006
    SESSION_COOKIE_SECURE = False  # ok: SEC012
    LOG_LEVEL = "DEBUG"


class TestConfig(BaseConfig):
    TESTING = True
    DATABASE_URL = os.environ.get(
        "TEST_DATABASE_URL", "postgresql://pianovisits@localhost:5432/pianovisits_test"
    )


_CONFIGS = {
    "production": ProductionConfig,
    "development": DevelopmentConfig,
    "test": TestConfig,
}


def load_config() -> type[BaseConfig]:
    env = os.environ.get("PIANOVISITS_ENV", "production").lower()
    try:
        return _CONFIGS[env]
    except KeyError:
        raise RuntimeError(
            f"PIANOVISITS_ENV must be one of {sorted(_CONFIGS)}, got {env!r}"
        ) from None
