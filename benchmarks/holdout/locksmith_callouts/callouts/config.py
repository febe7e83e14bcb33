"""Configuration objects for the call-out API.

Values come from the environment so the same image runs in staging and
production; only the test config hard-codes anything.
"""
import os


def _bool_env(name: str, default: str = "0") -> bool:
    return os.environ.get(name, default).strip().lower() in {"1", "true", "yes", "on"}


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY")
    JWT_SECRET = os.environ.get("JWT_SECRET")
    JWT_TTL_MINUTES = int(os.environ.get("JWT_TTL_MINUTES", "60"))

    DEBUG = _bool_env("FLASK_DEBUG")  # ok: SEC006
    TESTING = False

    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "DATABASE_URL", "postgresql+psycopg2://callouts@localhost:5432/callouts"
    )
    SQLALCHEMY_ENGINE_OPTIONS = {
        "pool_pre_ping": True,
        "pool_size": int(os.environ.get("DB_POOL_SIZE", "10")),
        "max_overflow": 5,
        "pool_recycle": 1800,
    }
    SQLALCHEMY_TRACK_MODIFICATIONS = False

    MAX_CONTENT_LENGTH = 512 * 1024

    # Partner payments gateway (card-on-file charges for call-out fees)
    PARTNER_PAY_BASE_URL = os.environ.get("PARTNER_PAY_BASE_URL", "https://api.partnerpay.example/v1")
    PARTNER_PAY_API_KEY = os.environ.get("PARTNER_PAY_API_KEY", "ppk_live_4f9c2e71b8a04d6d9b1f3e0c5a7d2b68")  # expect: SEC005
    PARTNER_PAY_WEBHOOK_SECRET = os.environ.get("PARTNER_PAY_WEBHOOK_SECRET", "")

    # SMS gateway used for dispatch notifications
    SMS_GATEWAY_URL = os.environ.get("SMS_GATEWAY_URL", "https://sms-gw.internal.example/api/send")
    SMS_USER = os.environ.get("SMS_USER", "callouts")
    SMS_API_KEY = os.environ.get("SMS_API_KEY", "")

    GEOCODER_URL = os.environ.get("GEOCODER_URL", "https://geo.example.com/v2/search")
    INVOICE_DIR = os.environ.get("INVOICE_DIR", "/srv/invoices")

    STALE_CALLOUT_MINUTES = int(os.environ.get("STALE_CALLOUT_MINUTES", "10"))
    BASE_CALLOUT_FEE_CENTS = int(os.environ.get("BASE_CALLOUT_FEE_CENTS", "8900"))


class TestConfig(Config):
    TESTING = True
    SQLALCHEMY_DATABASE_URI = "sqlite://"
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    JWT_SECRET = "test-jwt-secret"  # ok: SEC005
    PARTNER_PAY_API_KEY = "test-key"
    PARTNER_PAY_WEBHOOK_SECRET = "test-webhook-secret"


REQUIRED_SETTINGS = ("SECRET_KEY", "JWT_SECRET", "PARTNER_PAY_WEBHOOK_SECRET", "SMS_API_KEY")


def missing_settings(config: dict) -> list[str]:
    """Names of required settings that are empty; create_app refuses to start with any."""
    return [name for name in REQUIRED_SETTINGS if not config.get(name)]
