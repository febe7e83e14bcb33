"""Runtime configuration for the lighthouse tour ticketing service.

Values come from the environment; secrets may also be mounted as files and
referenced through a ``<NAME>_FILE`` variable (Docker / compose secrets).
"""
import os
from datetime import timedelta


def _env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def _secret(name: str, default: str = "") -> str:
    """Read a secret from ``<name>_FILE`` if set, else from ``<name>``."""
    path = os.environ.get(f"{name}_FILE")
    if path:
        with open(path, encoding="utf-8") as fh:
            return fh.read().strip()
    return os.environ.get(name, default)


class BaseConfig:
    SECRET_KEY = _secret("FLASK_SECRET_KEY")

    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "DATABASE_URL",
        "postgresql+psycopg2://lighthouse:K33perOfTheLight@db:5432/tours",  # expect: SEC005
    )
    SQLALCHEMY_ENGINE_OPTIONS = {
        "pool_size": 10,
        "max_overflow": 5,
        "pool_pre_ping": True,
        "pool_recycle": 1800,
        "connect_args": {"connect_timeout": 5},
    }
    SQLALCHEMY_TRACK_MODIFICATIONS = False

    DEBUG = _env_bool("FLASK_DEBUG")  # ok: SEC006
    SESSION_COOKIE_SECURE = True
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = True
    REMEMBER_COOKIE_HTTPONLY = True
    PERMANENT_SESSION_LIFETIME = timedelta(hours=8)
    MAX_CONTENT_LENGTH = 2 * 1024 * 1024

    STRIPE_API_KEY = _secret("STRIPE_API_KEY")
    STRIPE_WEBHOOK_SECRET = _secret("STRIPE_WEBHOOK_SECRET")

    POSTMARK_TOKEN = _secret("POSTMARK_TOKEN")
    MAIL_FROM = os.environ.get("MAIL_FROM", "Lighthouse Tours <tickets@lighthouse-tours.example>")

    TIDES_API_BASE = os.environ.get("TIDES_API_BASE", "https://api.tidewatch.example/v2")
    TIDES_API_KEY = _secret("TIDES_API_KEY")
    TIDES_STATION = os.environ.get("TIDES_STATION", "LHS01")

    WEATHER_API_BASE = os.environ.get("WEATHER_API_BASE", "https://marine.metdata.example/v1")
    WEATHER_TOKEN_URL = "https://auth.metdata.example/oauth2/token"  # ok: SEC005
    WEATHER_CLIENT_ID = os.environ.get("WEATHER_CLIENT_ID", "")
    WEATHER_CLIENT_SECRET = _secret("WEATHER_CLIENT_SECRET")
    LIGHTHOUSE_LAT = float(os.environ.get("LIGHTHOUSE_LAT", "50.2167"))
    LIGHTHOUSE_LON = float(os.environ.get("LIGHTHOUSE_LON", "-5.4764"))

    # (minimum party size, percent off); the highest matching tier wins
    GROUP_DISCOUNT_TIERS = ((20, 20), (10, 15), (6, 10))

    TICKET_PDF_DIR = os.environ.get("TICKET_PDF_DIR", "/mnt/tickets")
    EXPORT_DIR = os.environ.get("EXPORT_DIR", "/app/exports")


class TestConfig(BaseConfig):
    TESTING = True
    SECRET_KEY = "test-only-secret"  # ok: SEC005
    SQLALCHEMY_DATABASE_URI = "sqlite:///:memory:"
    SQLALCHEMY_ENGINE_OPTIONS = {}
    WTF_CSRF_ENABLED = False  # ok: SEC014
    SESSION_COOKIE_SECURE = False  # ok: SEC012
    TICKET_PDF_DIR = "/tmp/lighthouse-tickets"
    EXPORT_DIR = "/tmp/lighthouse-exports"


CONFIGS = {
    "production": BaseConfig,
    "test": TestConfig,
}
