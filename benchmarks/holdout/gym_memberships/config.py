"""Flask configuration for the gym memberships app."""
import os
from datetime import timedelta


class Config:
    SECRET_KEY = "k9Ff2vLq8zR7pW3mXe0bTdQs5nHj4cYa"  # expect: SEC005
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL", "postgresql://gym@localhost/gym")
    SQLALCHEMY_TRACK_MODIFICATIONS = False
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True, "pool_size": 10}

    STRIPE_API_KEY = os.environ.get("STRIPE_API_KEY", "")  # ok: SEC005
    STRIPE_WEBHOOK_SECRET = os.environ.get("STRIPE_WEBHOOK_SECRET", "")  # ok: SEC005
    MEMBERSHIP_PRICE_CENTS = int(os.environ.get("MEMBERSHIP_PRICE_CENTS", "4900"))

    CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "redis://localhost:6379/0")
    CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND", "redis://localhost:6379/1")

    PERMANENT_SESSION_LIFETIME = timedelta(days=14)
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False  # expect: SEC012
    REMEMBER_COOKIE_DURATION = timedelta(days=30)

    DEBUG = True  # expect: SEC006
    JSON_SORT_KEYS = False
    MAX_CONTENT_LENGTH = 2 * 1024 * 1024


class TestingConfig(Config):
    TESTING = True
    SQLALCHEMY_DATABASE_URI = "sqlite:///:memory:"
    WTF_CSRF_ENABLED = False  # ok: SEC014
    STRIPE_API_KEY = "sk_test_placeholder"


CONFIGS = {
    "default": Config,
    "testing": TestingConfig,
}


def load_config(name: str | None = None) -> type[Config]:
    return CONFIGS.get(name or os.environ.get("GYM_CONFIG", "default"), Config)
