import os
from datetime import timedelta


def _env_list(name, default=""):
    raw = os.environ.get(name, default)
    return [item.strip() for item in raw.split(",") if item.strip()]


class BaseConfig:
    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "DATABASE_URL", "postgresql+psycopg2://studio@localhost:5432/studio"
    )
    SQLALCHEMY_TRACK_MODIFICATIONS = False
    SQLALCHEMY_ENGINE_OPTIONS = {
        "pool_pre_ping": True,
        "pool_size": 10,
        "max_overflow": 5,
        "pool_recycle": 1800,
    }

    SECRET_KEY = "kiln-fire-2023-claybody-studio-7d1e"  # expect: SEC005
    SESSION_COOKIE_SECURE = False  # expect: SEC012
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_DURATION = timedelta(days=30)
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SECURE = True

    MAX_CONTENT_LENGTH = 8 * 1024 * 1024
    ALLOWED_ORIGINS = _env_list(
        "ALLOWED_ORIGINS", "https://claybody.studio,https://book.claybody.studio"
    )

    STRIPE_SECRET_KEY = os.environ.get("STRIPE_SECRET_KEY", "")
    STRIPE_WEBHOOK_SECRET = os.environ.get("STRIPE_WEBHOOK_SECRET", "")
    STRIPE_CURRENCY = "gbp"

    PAYOUTS_API_URL = os.environ.get("PAYOUTS_API_URL", "https://api.payoutrail.example/v2")
    PAYOUTS_API_KEY = "prl_live_51c0a9e3f27b4d8c9a6e0b1d"  # expect: SEC005

    MAIL_API_URL = os.environ.get("MAIL_API_URL", "https://api.postmarkapp.com/email")
    MAIL_API_TOKEN = os.environ.get("MAIL_API_TOKEN", "")
    MAIL_FROM = "hello@claybody.studio"

    PIECE_PHOTO_DIR = os.environ.get("PIECE_PHOTO_DIR", "/srv/studio/uploads")
    FIRING_SHEETS_DIR = os.environ.get("FIRING_SHEETS_DIR", "/mnt/firing-sheets")

    CLASS_CANCELLATION_HOURS = 48
    KILN_SHELF_UNITS_PER_MEMBER = 4
    INSTRUCTOR_PAYOUT_DAY = 3

    CELERY = {
        "broker_url": os.environ.get("CELERY_BROKER_URL", "redis://localhost:6379/1"),
        "result_backend": os.environ.get("CELERY_RESULT_BACKEND", "redis://localhost:6379/2"),
        "task_acks_late": True,
        "worker_prefetch_multiplier": 1,
        "task_default_queue": "studio",
    }


class ProductionConfig(BaseConfig):
    DEBUG = False
    TESTING = False
    PREFERRED_URL_SCHEME = "https"


class DevelopmentConfig(BaseConfig):
    DEBUG = True  # ok: SEC006
    SQLALCHEMY_ECHO = True
    ALLOWED_ORIGINS = ["http://localhost:5173"]


class TestingConfig(BaseConfig):
    TESTING = True
    WTF_CSRF_ENABLED = False  # ok: SEC014
    SQLALCHEMY_DATABASE_URI = "sqlite://"


CONFIGS = {
    "production": ProductionConfig,
    "development": DevelopmentConfig,
    "testing": TestingConfig,
}


def get_config(name=None):
    name = name or os.environ.get("STUDIO_ENV", "production")
    try:
        return CONFIGS[name]
    except KeyError:
        raise RuntimeError(f"unknown STUDIO_ENV {name!r}; expected one of {sorted(CONFIGS)}")
