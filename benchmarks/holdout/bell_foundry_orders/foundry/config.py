"""Configuration classes for the foundry service, selected by FOUNDRY_ENV."""

import os
from datetime import timedelta


class BaseConfig:
    ENV_NAME = "base"
    SECRET_KEY = os.environ.get("FOUNDRY_SECRET_KEY")  # ok: SEC005
    LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")

    DATABASE_URL = os.environ.get(
        "DATABASE_URL", "postgresql://foundry@localhost:5432/foundry"
    )
    DB_POOL_MIN = int(os.environ.get("DB_POOL_MIN", "2"))
    DB_POOL_MAX = int(os.environ.get("DB_POOL_MAX", "10"))
    DB_POOL_TIMEOUT = float(os.environ.get("DB_POOL_TIMEOUT", "10"))
    REDIS_URL = os.environ.get("REDIS_URL", "redis://localhost:6379/0")

    SESSION_COOKIE_SECURE = True  # ok: SEC012
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = True
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_DURATION = timedelta(days=14)
    PERMANENT_SESSION_LIFETIME = timedelta(hours=12)

    PAYMENTS_API_URL = os.environ.get("PAYMENTS_API_URL", "https://api.bellpay.example/v2")
    PAYMENTS_API_KEY = os.environ.get("PAYMENTS_API_KEY", "")
    PAYMENTS_WEBHOOK_SECRET = os.environ.get("PAYMENTS_WEBHOOK_SECRET", "")

    FREIGHT_API_URL = os.environ.get("FREIGHT_API_URL", "https://api.heavyfreight.example/v1")
    FREIGHT_API_KEY = "hf_live_7Qm2pX9rT4vK8sL1nB6cW3zYd0aE5gH"  # expect: SEC005
    FREIGHT_TIMEOUT = 15

    # Share of the order total billed at each stage, in percent.
    STAGE_SPLIT = {"deposit": 30, "casting": 40, "delivery": 30}
    RISER_ALLOWANCE_PERCENT = 12
    REPORT_DIR = os.environ.get("REPORT_DIR", "/var/lib/foundry/reports")

    SMTP_HOST = os.environ.get("SMTP_HOST", "localhost")
    SMTP_PORT = int(os.environ.get("SMTP_PORT", "587"))
    MAIL_FROM = os.environ.get("MAIL_FROM", "orders@bellfoundry.example")


class ProductionConfig(BaseConfig):
    ENV_NAME = "production"


class StagingConfig(BaseConfig):
    ENV_NAME = "staging"
    LOG_LEVEL = "DEBUG"


class DevelopmentConfig(BaseConfig):
    ENV_NAME = "development"
    DEBUG = True  # ok: SEC006
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_SECURE = False
    REPORT_DIR = "/tmp/foundry-reports"


class TestConfig(BaseConfig):
    ENV_NAME = "test"
    TESTING = True
    DATABASE_URL = "postgresql://foundry@localhost:5432/foundry_test"


_CONFIGS = {
    "production": ProductionConfig,
    "staging": StagingConfig,
    "development": DevelopmentConfig,
    "test": TestConfig,
}


def load_config(name: str) -> type[BaseConfig]:
    """Return the config class for an environment name, refusing to start half-configured."""
    try:
        config = _CONFIGS[name]
    except KeyError as exc:
        raise RuntimeError(f"unknown FOUNDRY_ENV {name!r}") from exc
    if name in ("production", "staging"):
        missing = [key for key in ("SECRET_KEY", "PAYMENTS_API_KEY") if not getattr(config, key)]
        if missing:
            raise RuntimeError(f"missing required settings: {', '.join(missing)}")
    return config
