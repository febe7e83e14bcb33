"""Configuration classes; values come from the environment (prefix ``FLORIST_``)."""

from __future__ import annotations

import os


def _int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


class BaseConfig:
    SECRET_KEY = os.environ.get("FLORIST_SECRET_KEY", "petals-and-stems-9f2c1a7e44b0")  # expect: SEC005
    SESSION_COOKIE_SECURE = True  # ok: SEC012
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    PERMANENT_SESSION_LIFETIME = 8 * 3600
    MAX_CONTENT_LENGTH = 25 * 1024 * 1024  # ok: SEC019

    TIMEZONE = "Europe/London"
    LOG_LEVEL = os.environ.get("FLORIST_LOG_LEVEL", "INFO")

    DATABASE_URL = os.environ.get("FLORIST_DATABASE_URL", "postgresql://florist@localhost:5432/florist")
    DB_POOL_MIN = _int("FLORIST_DB_POOL_MIN", 2)
    DB_POOL_MAX = _int("FLORIST_DB_POOL_MAX", 10)

    MOCKUP_BUCKET = os.environ.get("FLORIST_MOCKUP_BUCKET", "florist-design-mockups")
    AWS_REGION = os.environ.get("AWS_REGION", "eu-west-2")

    AUCTION_API_URL = os.environ.get("FLORIST_AUCTION_API_URL", "https://buyer-api.flower-auction.example")
    AUCTION_API_TOKEN = os.environ.get("FLORIST_AUCTION_API_TOKEN", "")
    SUPPLIER_API_URL = os.environ.get("FLORIST_SUPPLIER_API_URL", "https://orders.stemwholesale.example/api")
    SUPPLIER_API_TOKEN = os.environ.get("FLORIST_SUPPLIER_API_TOKEN", "")
    SUPPLIER_CA_BUNDLE = os.environ.get("FLORIST_SUPPLIER_CA_BUNDLE")
    PAYMENT_API_URL = os.environ.get("FLORIST_PAYMENT_API_URL", "https://api.cardpay.example/v2")
    PAYMENT_API_TOKEN = os.environ.get("FLORIST_PAYMENT_API_TOKEN", "")
    ROUTING_API_URL = os.environ.get("FLORIST_ROUTING_API_URL", "https://routing.example.net/v1/eta")
    SMS_API_URL = os.environ.get("FLORIST_SMS_API_URL", "https://sms.example.net/v1/messages")
    SMS_API_TOKEN = os.environ.get("FLORIST_SMS_API_TOKEN", "")

    SMTP_HOST = os.environ.get("FLORIST_SMTP_HOST", "smtp.example.net")
    SMTP_PORT = _int("FLORIST_SMTP_PORT", 587)
    SMTP_USER = os.environ.get("FLORIST_SMTP_USER", "")
    SMTP_PASSWORD = os.environ.get("FLORIST_SMTP_PASSWORD", "")
    MAIL_FROM = os.environ.get("FLORIST_MAIL_FROM", "studio@bloomandvine.example")
    WASTAGE_REPORT_TO = [
        addr.strip() for addr in os.environ.get("FLORIST_WASTAGE_REPORT_TO", "").split(",") if addr.strip()
    ]

    DEPOT_POSTCODE = os.environ.get("FLORIST_DEPOT_POSTCODE", "SE1 7PB")
    DELIVERY_VANS = _int("FLORIST_DELIVERY_VANS", 3)
    PUBLIC_BASE_URL = os.environ.get("FLORIST_PUBLIC_BASE_URL", "https://orders.bloomandvine.example")
    DEBUG = os.environ.get("FLASK_DEBUG") == "1"  # ok: SEC006


class ProductionConfig(BaseConfig):
    pass


class DevelopmentConfig(BaseConfig):
    """Used by ``flask --app florist run`` on a laptop only."""

    DEBUG = True
    SESSION_COOKIE_SECURE = False
    DATABASE_URL = os.environ.get("FLORIST_DATABASE_URL", "postgresql://florist:florist@localhost:5432/florist")  # ok: SEC005


class TestConfig(BaseConfig):
    TESTING = True
    SESSION_COOKIE_SECURE = False
    DATABASE_URL = os.environ.get("FLORIST_TEST_DATABASE_URL", "postgresql://florist:florist@localhost:5432/florist_test")
