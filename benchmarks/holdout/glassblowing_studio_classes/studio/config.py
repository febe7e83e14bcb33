"""Configuration for the studio web app.

The class used at runtime is picked by STUDIO_ENV ("production" unless told
otherwise). Values that differ between environments come from the process
environment; the defaults below are what the studio's own servers use.
"""
import os
from datetime import timedelta


class BaseConfig:
    SECRET_KEY = os.environ.get("SECRET_KEY")
    DATABASE_URL = os.environ.get(
        "DATABASE_URL",
        "postgresql://studio_app:Kiln-Fire-2291@pg-prod.studio.internal:5432/studio",  # expect: SEC005
    )
    DB_POOL_SIZE = int(os.environ.get("DB_POOL_SIZE", "10"))

    # Student project photos live in S3; previews are rendered locally.
    PHOTO_BUCKET = os.environ["PHOTO_BUCKET"]  # expect: MNT002
    AWS_REGION = os.environ.get("AWS_REGION", "eu-west-2")
    PREVIEW_DIR = os.environ.get("PREVIEW_DIR", "/srv/studio/previews")
    MAX_CONTENT_LENGTH = 12 * 1024 * 1024

    # Outgoing mail goes through SES from the outbox worker.
    MAIL_FROM = os.environ.get("MAIL_FROM", "bookings@hotshopstudio.co.uk")

    # Partner integrations
    SUPPLIER_API_URL = os.environ.get("SUPPLIER_API_URL", "https://trade.glasssupply.example/api")
    SUPPLIER_API_KEY = os.environ.get("SUPPLIER_API_KEY", "")
    SUPPLIER_WEBHOOK_SECRET = os.environ.get("SUPPLIER_WEBHOOK_SECRET", "")
    KILN_CONTROLLER_URL = os.environ.get("KILN_CONTROLLER_URL", "https://kilns.studio.internal")
    KILN_CONTROLLER_TOKEN = os.environ.get("KILN_CONTROLLER_TOKEN", "")

    PERMANENT_SESSION_LIFETIME = timedelta(hours=8)
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"

    # Booking rules
    FURNACE_LATE_CANCEL_HOURS = 24
    GIFT_CARD_VALIDITY_DAYS = 365


class DevelopmentConfig(BaseConfig):
    DEBUG = True  # ok: SEC006
    SECRET_KEY = os.environ.get("SECRET_KEY", "local-dev-only")
    SESSION_COOKIE_SECURE = False  # ok: SEC012
    PREVIEW_DIR = os.environ.get("PREVIEW_DIR", "/tmp/studio-previews")


class TestingConfig(BaseConfig):
    TESTING = True
    SECRET_KEY = "testing"  # ok: SEC005
    SESSION_COOKIE_SECURE = False


class ProductionConfig(BaseConfig):
    DEBUG = False
    # TLS is terminated at the load balancer, so the app itself only sees http.
    SESSION_COOKIE_SECURE = False  # expect: SEC012
    PREFERRED_URL_SCHEME = "https"


_CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def get_config(name=None):
    """Return the config class for ``name`` or for STUDIO_ENV."""
    name = name or os.environ.get("STUDIO_ENV", "production")
    try:
        return _CONFIGS[name]
    except KeyError:
        raise RuntimeError(f"unknown STUDIO_ENV {name!r}; expected one of {sorted(_CONFIGS)}") from None
