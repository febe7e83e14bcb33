"""Runtime configuration for the lumber yard delivery API.

Everything comes from the environment so the same image runs in staging and
production. Defaults are meant for a developer laptop with a local Postgres.
"""
import os


def _env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise RuntimeError(f"{name} must be an integer, got {raw!r}") from exc


class Config:
    DEBUG = _env_bool("FLASK_DEBUG", False)  # ok: SEC006
    TESTING = False
    SECRET_KEY = os.environ.get("FLASK_SECRET_KEY")
    LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")

    # Postgres. The pool is per gunicorn worker process.
    DATABASE_URL = os.environ.get("DATABASE_URL", "postgresql://localhost:5432/lumberyard")
    DB_POOL_MIN = _env_int("DB_POOL_MIN", 1)
    DB_POOL_MAX = _env_int("DB_POOL_MAX", 8)

    # AWS: credentials come from the pod's IAM role, never from here.
    AWS_REGION = os.environ.get("AWS_REGION", "us-east-2")
    PHOTO_BUCKET = os.environ.get("PHOTO_BUCKET", "lumberyard-delivery-photos-dev")
    DISPATCH_QUEUE_URL = os.environ.get("DISPATCH_QUEUE_URL", "")

    # Partner APIs
    SUPPLIER_FEED_URL = os.environ.get("SUPPLIER_FEED_URL", "https://feed.cascademill.example/v2")
    SUPPLIER_FEED_KEY = os.environ.get("SUPPLIER_FEED_KEY", "sfk_live_9c2f0a7be41d4e6f8a13c55d2b7e90aa")  # expect: SEC005
    FREIGHT_API_URL = os.environ.get("FREIGHT_API_URL", "https://api.haulquote.example/v1")
    FREIGHT_API_TOKEN = os.environ.get("FREIGHT_API_TOKEN", "")

    # Business rules
    YARDS = ("north", "river", "mill-road")
    TRUCK_WINDOW_MINUTES = _env_int("TRUCK_WINDOW_MINUTES", 90)
    PRICE_MARKUP_PERCENT = _env_int("PRICE_MARKUP_PERCENT", 18)
    MAX_ORDER_LINES = 40


class TestConfig(Config):
    TESTING = True
    SECRET_KEY = "unit-test-secret"  # ok: SEC005
    DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "postgresql://localhost:5432/lumberyard_test")
    DB_POOL_MAX = 2
    DISPATCH_QUEUE_URL = "https://sqs.us-east-2.amazonaws.com/000000000000/dispatch-test"
