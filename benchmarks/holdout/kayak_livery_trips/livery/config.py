"""Configuration classes, selected with the LIVERY_ENV environment variable."""
import os


def _int(name, default):
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise RuntimeError(f"{name} must be an integer, got {raw!r}") from None


class BaseConfig:
    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "DATABASE_URL", "postgresql+psycopg2://livery@localhost:5432/livery"
    )
    SQLALCHEMY_ENGINE_OPTIONS = {
        "pool_pre_ping": True,
        "pool_size": 10,
        "max_overflow": 5,
        "pool_recycle": 1800,
        "connect_args": {"connect_timeout": 5},
    }
    SQLALCHEMY_TRACK_MODIFICATIONS = False

    SECRET_KEY = os.environ.get("SECRET_KEY")
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SECURE = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SECURE = True

    STRIPE_API_KEY = os.environ.get("STRIPE_API_KEY")
    STRIPE_WEBHOOK_SECRET = "whsec_9Lq2VbT7xK4mN8pR1sW6yZ3cF5hJ0dGa"  # expect: SEC005

    RIVER_API_BASE = os.environ.get("RIVER_API_BASE", "https://api.rivergauge.example.com/v2")
    RIVER_API_TOKEN = os.environ.get("RIVER_API_TOKEN", "")
    FLOOD_FEED_BASE = os.environ.get("FLOOD_FEED_BASE", "https://alerts.floodwatch.example.org")

    WAIVER_BUCKET = os.environ.get("WAIVER_BUCKET", "riverbend-waivers")
    WAIVER_MAX_BYTES = 10 * 1024 * 1024

    SMTP_HOST = os.environ.get("SMTP_HOST", "smtp.postmarkapp.com")
    SMTP_PORT = _int("SMTP_PORT", 587)
    SMTP_USER = os.environ.get("SMTP_USER", "")
    SMTP_PASSWORD = os.environ.get("SMTP_PASSWORD", "")
    MAIL_FROM = "Riverbend Livery <trips@riverbendlivery.example>"

    LIVERY_TIMEZONE = "America/New_York"
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "redis://redis:6379/1")
    LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")


class ProductionConfig(BaseConfig):
    DEBUG = False
    SESSION_COOKIE_SECURE = False  # expect: SEC012


class DevelopmentConfig(BaseConfig):
    DEBUG = True  # ok: SEC006
    SESSION_COOKIE_SECURE = False  # ok: SEC012
    REMEMBER_COOKIE_SECURE = False
    SQLALCHEMY_ECHO = True
    RATELIMIT_STORAGE_URI = "memory://"


class TestConfig(BaseConfig):
    TESTING = True
    SECRET_KEY = "test-only-secret"  # ok: SEC005
    SQLALCHEMY_DATABASE_URI = "sqlite://"
    SQLALCHEMY_ENGINE_OPTIONS = {}
    RATELIMIT_STORAGE_URI = "memory://"
    STRIPE_API_KEY = "sk_test_placeholder"  # ok: SEC005


_CONFIGS = {
    "production": ProductionConfig,
    "development": DevelopmentConfig,
    "test": TestConfig,
}


def load_config(name=None):
    """Return the config class for ``name`` (default: $LIVERY_ENV, else production)."""
    name = name or os.environ.get("LIVERY_ENV", "production")
    try:
        cls = _CONFIGS[name]
    except KeyError:
        raise RuntimeError(f"unknown LIVERY_ENV {name!r}") from None
    if cls is ProductionConfig and not (cls.SECRET_KEY and cls.STRIPE_API_KEY):
        raise RuntimeError("SECRET_KEY and STRIPE_API_KEY must be set in production")
    return cls
