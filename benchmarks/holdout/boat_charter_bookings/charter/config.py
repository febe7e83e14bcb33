"""Flask configuration for the charter booking service."""
import os


def _int(name, default):
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise RuntimeError(f"{name} must be an integer, got {raw!r}") from exc


def _bool(name, default=False):
    raw = os.environ.get(name)
    if raw is None:
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


class Config:
    DEBUG = _bool("CHARTER_DEBUG", False)  # ok: SEC006
    TESTING = False

    DATABASE_URL = os.environ.get("CHARTER_DATABASE_URL", "postgresql://charter@localhost:5432/charter")
    DB_POOL_MIN = _int("CHARTER_DB_POOL_MIN", 2)
    DB_POOL_MAX = _int("CHARTER_DB_POOL_MAX", 10)
    REDIS_URL = os.environ.get("CHARTER_REDIS_URL", "redis://localhost:6379/0")

    SESSION_COOKIE_SECURE = True  # ok: SEC012
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    PERMANENT_SESSION_LIFETIME = 60 * 60 * 8
    MAX_CONTENT_LENGTH = _int("CHARTER_MAX_UPLOAD_BYTES", 4 * 1024 * 1024)
    WTF_CSRF_TIME_LIMIT = 60 * 60

    PUBLIC_URL = os.environ.get("CHARTER_PUBLIC_URL", "https://book.bluewatercharters.example")
    STRIPE_API_KEY = os.environ.get("STRIPE_API_KEY", "")
    STRIPE_WEBHOOK_SECRET = os.environ.get("STRIPE_WEBHOOK_SECRET", "")
    DEPOSIT_PERCENT = _int("CHARTER_DEPOSIT_PERCENT", 30)

    WEATHER_API_URL = os.environ.get("WEATHER_API_URL", "https://api.marineweather.example/v3")
    WEATHER_API_KEY = os.environ.get("WEATHER_API_KEY", "")
    TIDES_API_URL = os.environ.get("TIDES_API_URL", "https://tides.example.gov/api/v1")

    AWS_REGION = os.environ.get("AWS_REGION", "us-east-1")
    MANIFEST_BUCKET = os.environ.get("CHARTER_MANIFEST_BUCKET", "bluewater-manifests")
    MAIL_FROM = os.environ.get("CHARTER_MAIL_FROM", "bookings@bluewatercharters.example")

    @classmethod
    def validate(cls):
        missing = [
            name for name in ("STRIPE_API_KEY", "STRIPE_WEBHOOK_SECRET", "WEATHER_API_KEY")
            if not getattr(cls, name)
        ]
        if missing:
            raise RuntimeError(f"missing configuration: {', '.join(missing)}")
        if not 0 < cls.DEPOSIT_PERCENT <= 100:
            raise RuntimeError("CHARTER_DEPOSIT_PERCENT must be between 1 and 100")
