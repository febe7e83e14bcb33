"""Configuration for the escape-room booking service, read from the environment."""
import os


def _env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


class Config:
    SECRET_KEY = os.environ.get("FLASK_SECRET_KEY", "")
    DEBUG = os.environ.get("FLASK_DEBUG", "0") == "1"  # ok: SEC006
    TESTING = False

    DATABASE_URL = os.environ.get("DATABASE_URL", "postgresql://escape@localhost:5432/escape")
    DB_POOL_MIN = int(os.environ.get("DB_POOL_MIN", "1"))
    DB_POOL_MAX = int(os.environ.get("DB_POOL_MAX", "8"))
    DB_CONNECT_TIMEOUT = 5
    DB_STATEMENT_TIMEOUT_MS = 15_000

    JWT_SECRET = os.environ.get("JWT_SECRET", "")  # ok: SEC005
    JWT_TTL_SECONDS = 8 * 60 * 60
    MANAGE_LINK_TTL_DAYS = 30

    PAYMENTS_API_URL = os.environ.get("PAYMENTS_API_URL", "https://api.example-pay.com/v1")
    PAYMENTS_API_KEY = os.environ.get("PAYMENTS_API_KEY", "")
    MAIL_API_URL = os.environ.get("MAIL_API_URL", "https://api.example-mail.net/v3/send")
    MAIL_API_KEY = os.environ.get("MAIL_API_KEY", "")
    # (connect, read) seconds for every outbound HTTP call
    HTTP_TIMEOUT = (3.05, 15)

    WKHTMLTOPDF = os.environ.get("WKHTMLTOPDF", "/usr/bin/wkhtmltopdf")
    PDF_TIMEOUT_SECONDS = 30

    DEPOSIT_PERCENT = 25
    HOLD_MINUTES = 10
    REPORT_RECIPIENTS = _env_list("REPORT_RECIPIENTS", "owners@example-escape.co.uk")

    MAX_CONTENT_LENGTH = 1 * 1024 * 1024
    SESSION_COOKIE_SECURE = True
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"


class TestConfig(Config):
    TESTING = True
    SECRET_KEY = "test-only"  # ok: SEC005
    JWT_SECRET = "test-only"  # ok: SEC005
    DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "postgresql://escape@localhost:5432/escape_test")


REQUIRED = ("SECRET_KEY", "JWT_SECRET", "PAYMENTS_API_KEY", "MAIL_API_KEY")


def validate(config: dict) -> None:
    """Refuse to start with secrets missing rather than fail on the first request."""
    if config.get("TESTING"):
        return
    missing = [name for name in REQUIRED if not config.get(name)]
    if missing:
        raise RuntimeError(f"missing required settings: {', '.join(missing)}")
    if len(config["JWT_SECRET"]) < 32:
        raise RuntimeError("JWT_SECRET must be at least 32 characters")
