"""Flask configuration for the charter quoting service."""
import os


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    return int(raw) if raw else default


class Config:
    ENVIRONMENT = os.environ.get("CHARTER_ENV", "production")

    SECRET_KEY = os.environ.get("CHARTER_SECRET_KEY", "9c41e07b2d8f4a6e93b5c7d1f0a2e8b4")  # expect: SEC005

    # Staff dashboard uses the Flask session cookie.
    SESSION_COOKIE_NAME = "charter_session"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SECURE = os.environ.get("SESSION_COOKIE_SECURE", "false").lower() == "true"  # expect: SEC012
    SESSION_COOKIE_SAMESITE = "Lax"
    PERMANENT_SESSION_LIFETIME = 8 * 3600

    MAX_CONTENT_LENGTH = 2 * 1024 * 1024  # quote forms and small attachments only

    DATABASE_DSN = os.environ.get("DATABASE_DSN", "dbname=charter host=localhost user=charter")
    DB_POOL_MIN = _int("DB_POOL_MIN", 1)
    DB_POOL_MAX = _int("DB_POOL_MAX", 10)
    DB_STATEMENT_TIMEOUT_MS = _int("DB_STATEMENT_TIMEOUT_MS", 15000)

    AWS_REGION = os.environ.get("AWS_REGION", "ca-central-1")
    INVOICE_BUCKET = os.environ.get("INVOICE_BUCKET", "charter-invoices-prod")
    INVOICE_DIR = os.environ.get("INVOICE_DIR", "/var/lib/charter/invoices")
    SES_SENDER = os.environ.get("SES_SENDER", "quotes@maplecoach.example.com")

    FUEL_API_URL = os.environ.get("FUEL_API_URL", "https://api.fuelwatch-partners.example.com/v1")
    FUEL_API_KEY = os.environ.get("FUEL_API_KEY", "")
    DEPOSIT_API_URL = os.environ.get("DEPOSIT_API_URL", "https://api.payments.example.com/v2")
    DEPOSIT_API_KEY = os.environ.get("DEPOSIT_API_KEY", "")
    PAYOUT_API_URL = os.environ.get("PAYOUT_API_URL", "https://api.payouts.example.com/v1")
    PAYOUT_API_KEY = os.environ.get("PAYOUT_API_KEY", "")

    SMS_GATEWAY_URL = os.environ.get("SMS_GATEWAY_URL", "https://sms.example.com/api/messages")
    SMS_GATEWAY_TOKEN = os.environ.get("SMS_GATEWAY_TOKEN", "")

    DEPOSIT_PERCENT = 20
    QUOTE_VALID_DAYS = 14

    @classmethod
    def validate(cls) -> None:
        """Called by create_app so a misconfigured pod fails its readiness check early."""
        missing = [
            name
            for name in ("FUEL_API_KEY", "DEPOSIT_API_KEY", "PAYOUT_API_KEY", "SMS_GATEWAY_TOKEN")
            if not getattr(cls, name)
        ]
        if missing and cls.ENVIRONMENT == "production":
            raise RuntimeError(f"missing required settings: {', '.join(missing)}")


class TestConfig(Config):
    ENVIRONMENT = "test"
    TESTING = True
    SECRET_KEY = "test-only-secret"  # ok: SEC005
    DATABASE_DSN = "dbname=charter_test host=localhost user=charter"
