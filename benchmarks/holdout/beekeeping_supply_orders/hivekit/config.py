"""Runtime settings, read once from the environment at import time.

Every value has a default that works for local development; production
values come from the compose environment on the fulfilment host.
"""
import os


def _env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    return int(raw) if raw not in (None, "") else default


def _env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# --- Flask -------------------------------------------------------------------
DEBUG = _env_bool("HIVEKIT_DEBUG", False)  # ok: SEC006
SECRET_KEY = os.environ.get("HIVEKIT_SECRET_KEY", "")
SESSION_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
PERMANENT_SESSION_LIFETIME = 60 * 60 * 12
MAX_UPLOAD_BYTES = _env_int("HIVEKIT_MAX_UPLOAD_BYTES", 5 * 1024 * 1024)
LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")
ALLOWED_ORIGINS = _env_list(
    "HIVEKIT_ALLOWED_ORIGINS", "https://shop.hivekit.example,https://staff.hivekit.example"
)

# --- Database ----------------------------------------------------------------
DATABASE_URL = os.environ.get("DATABASE_URL", "postgresql://hivekit@localhost:5432/hivekit")
DB_POOL_MIN = _env_int("DB_POOL_MIN", 2)
DB_POOL_MAX = _env_int("DB_POOL_MAX", 10)

# --- AWS ---------------------------------------------------------------------
AWS_REGION = os.environ.get("AWS_REGION", "us-east-2")
INVOICE_BUCKET = os.environ.get("INVOICE_BUCKET", "hivekit-invoices-dev")
ORDER_EVENTS_TOPIC_ARN = os.environ.get(
    "ORDER_EVENTS_TOPIC_ARN", "arn:aws:sns:us-east-2:000000000000:order-events.fifo"
)

# --- Partners ----------------------------------------------------------------
SUPPLIER_API_BASE = os.environ.get("SUPPLIER_API_BASE", "https://api.apiarywholesale.example/v2")
SUPPLIER_API_KEY = os.environ.get("SUPPLIER_API_KEY", "")
SUPPLIER_WEBHOOK_SECRET = os.environ.get("SUPPLIER_WEBHOOK_SECRET", "4f9c2e71d8a05b3e6c1f7a92d04e8b65")  # expect: SEC005
COURIER_API_BASE = os.environ.get("COURIER_API_BASE", "https://api.livebeeexpress.example")
COURIER_API_KEY = os.environ.get("COURIER_API_KEY", "")

# --- Live shipping -------------------------------------------------------------
# Queens only ship early in the week so a parcel never sits in a depot over a weekend.
QUEEN_SHIP_WEEKDAYS = (0, 1)  # Monday, Tuesday
QUEEN_SHIP_TIMEZONE = "America/Chicago"
QUEEN_MAX_PER_BOOKING = 25
QUEEN_MIN_LEAD_DAYS = 2
MIN_SHIP_TEMP_F = 45
MAX_SHIP_TEMP_F = 90
UNPAID_HOLD_MINUTES = 30
