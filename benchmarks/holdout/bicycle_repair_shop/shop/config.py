"""Configuration classes, selected by SHOP_CONFIG."""
import os
from datetime import timedelta


class BaseConfig:
    SECRET_KEY = os.environ.get("SECRET_KEY", "9c1f6e0b2a7d4e8fa3b5c7d9e1f20486")  # expect: SEC005
    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "DATABASE_URL", "postgresql+psycopg2://shop@localhost/shop"
    )
    SQLALCHEMY_ENGINE_OPTIONS = {
        "pool_pre_ping": True,
        "pool_size": 10,
        "max_overflow": 5,
        "connect_args": {"connect_timeout": 5},
    }
    SQLALCHEMY_TRACK_MODIFICATIONS = False

    REMEMBER_COOKIE_DURATION = timedelta(days=14)
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = True

    STRIPE_API_KEY = os.environ.get("STRIPE_API_KEY", "")
    STRIPE_WEBHOOK_SECRET = os.environ.get("STRIPE_WEBHOOK_SECRET", "")

    SMS_API_BASE = os.environ.get("SMS_API_BASE", "https://api.twilio.com/2010-04-01")
    SMS_ACCOUNT_SID = os.environ.get("SMS_ACCOUNT_SID", "")
    SMS_AUTH_TOKEN = os.environ.get("SMS_AUTH_TOKEN", "")
    SMS_FROM_NUMBER = os.environ.get("SMS_FROM_NUMBER", "")

    SUPPLIER_API_BASE = os.environ.get("SUPPLIER_API_BASE", "https://b2b.velopartsdirect.example/api/v2")
    SUPPLIER_API_KEY = os.environ.get("SUPPLIER_API_KEY", "")

    EXPORT_DIR = os.environ.get("EXPORT_DIR", "/var/lib/shop/exports")

    CELERY = {
        "broker_url": os.environ.get("CELERY_BROKER_URL", "redis://localhost:6379/0"),
        "result_backend": os.environ.get("CELERY_RESULT_BACKEND", "redis://localhost:6379/1"),
        "task_acks_late": True,
        "task_reject_on_worker_lost": True,
        "broker_connection_retry_on_startup": True,
    }


class ProductionConfig(BaseConfig):
    DEBUG = False
    PREFERRED_URL_SCHEME = "https"


class StagingConfig(BaseConfig):
    DEBUG = False
    # staging uses the shared supplier sandbox account
    SUPPLIER_API_KEY = os.environ.get("SUPPLIER_API_KEY", "vpd_sbx_4f2a91c07be34d6e8a55")  # expect: SEC005


class DevelopmentConfig(BaseConfig):
    DEBUG = True  # ok: SEC006
    SESSION_COOKIE_SECURE = False  # ok: SEC012
    SQLALCHEMY_ECHO = True


class TestingConfig(BaseConfig):
    TESTING = True
    WTF_CSRF_ENABLED = False  # ok: SEC014
    SQLALCHEMY_DATABASE_URI = "sqlite:///:memory:"
    SQLALCHEMY_ENGINE_OPTIONS = {}
    SECRET_KEY = "test-secret"  # ok: SEC005
    CELERY = {**BaseConfig.CELERY, "task_always_eager": True}
