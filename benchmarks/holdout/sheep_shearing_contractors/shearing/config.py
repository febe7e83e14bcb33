"""Configuration classes for the shearing contractors' office app.

create_app() picks one by name; production uses ProductionConfig.
"""
import os


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    return int(raw) if raw else default


class Config:
    SECRET_KEY = os.environ.get("FLASK_SECRET_KEY")
    DEBUG = False
    TESTING = False

    DATABASE_URL = os.environ.get("DATABASE_URL", "postgresql://shearing@localhost:5432/shearing")
    DB_POOL_MIN = _int("DB_POOL_MIN", 1)
    DB_POOL_MAX = _int("DB_POOL_MAX", 10)
    DB_STATEMENT_TIMEOUT_MS = _int("DB_STATEMENT_TIMEOUT_MS", 15000)

    SESSION_COOKIE_SECURE = True
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    WTF_CSRF_TIME_LIMIT = 8 * 3600

    SMTP_HOST = os.environ.get("SMTP_HOST", "smtp.mailrelay.example.nz")
    SMTP_PORT = _int("SMTP_PORT", 587)
    SMTP_USER = os.environ.get("SMTP_USER", "invoices@tallyboard.example.nz")
    SMTP_PASSWORD = os.environ.get("SMTP_PASSWORD", "Merino!Shed2023")  # expect: SEC005
    INVOICE_FROM = os.environ.get("INVOICE_FROM", "Tallyboard Accounts <invoices@tallyboard.example.nz>")

    WOOLBROKER_URL = os.environ.get("WOOLBROKER_URL", "https://api.woolexchange.example.nz/v1")
    WOOLBROKER_API_KEY = os.environ.get("WOOLBROKER_API_KEY", "")
    WOOLBROKER_CA_BUNDLE = os.environ.get("WOOLBROKER_CA_BUNDLE", "/etc/ssl/certs/woolexchange-ca.pem")

    WKHTMLTOPDF = os.environ.get("WKHTMLTOPDF", "/usr/bin/wkhtmltopdf")
    BALE_FILE_MAX_BYTES = _int("BALE_FILE_MAX_BYTES", 5 * 1024 * 1024)
    LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")


class ProductionConfig(Config):
    pass


class DevelopmentConfig(Config):
    """Laptop settings: `flask --app shearing.app run` against a local Postgres."""

    DEBUG = True  # ok: SEC006
    SESSION_COOKIE_SECURE = False  # ok: SEC012
    SECRET_KEY = os.environ.get("FLASK_SECRET_KEY", "dev-only-not-secret")  # ok: SEC005


class TestingConfig(Config):
    TESTING = True
    WTF_CSRF_ENABLED = False  # ok: SEC014
    SECRET_KEY = "test-secret"  # ok: SEC005
    DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "postgresql://shearing@localhost:5432/shearing_test")


CONFIGS = {
    "production": ProductionConfig,
    "development": DevelopmentConfig,
    "testing": TestingConfig,
}
