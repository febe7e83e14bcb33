"""Configuration for the delivery API, read from the environment once at startup."""
import os


def _bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in ("1", "true", "yes")


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY")
    DEBUG = _bool("FLASK_DEBUG")

    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL", "postgresql+psycopg2://localhost/drones")
    SQLALCHEMY_TRACK_MODIFICATIONS = False
    SQLALCHEMY_ENGINE_OPTIONS = {
        "pool_size": 10,
        "max_overflow": 5,
        "pool_pre_ping": True,
        "pool_recycle": 1800,
        "connect_args": {"connect_timeout": 5},
    }

    MAX_CONTENT_LENGTH = 8 * 1024 * 1024
    SESSION_COOKIE_SECURE = True
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"

    AWS_REGION = os.environ.get("AWS_REGION", "eu-central-1")
    DISPATCH_QUEUE_URL = os.environ.get("DISPATCH_QUEUE_URL", "")
    STATUS_QUEUE_URL = os.environ.get("STATUS_QUEUE_URL", "")

    WEATHER_API_URL = os.environ.get("WEATHER_API_URL", "https://api.weather.example/v1")
    WEATHER_API_KEY = os.environ.get("WEATHER_API_KEY", "")
    SMS_GATEWAY_URL = os.environ.get("SMS_GATEWAY_URL", "https://sms.example/v2/messages")
    SMS_GATEWAY_TOKEN = os.environ.get("SMS_GATEWAY_TOKEN", "")
    ONCALL_WEBHOOK_URL = os.environ.get("ONCALL_WEBHOOK_URL", "")

    GROUND_RELAY_HOST = os.environ.get("GROUND_RELAY_HOST", "ground-relay")
    GROUND_RELAY_PORT = _int("GROUND_RELAY_PORT", 7000)

    TOKEN_TTL_SECONDS = _int("TOKEN_TTL_SECONDS", 12 * 3600)
    MAX_PAYLOAD_KG = float(os.environ.get("MAX_PAYLOAD_KG", "2.5"))
    MIN_LAUNCH_BATTERY_PCT = _int("MIN_LAUNCH_BATTERY_PCT", 60)

    REQUIRED = ("SECRET_KEY", "DISPATCH_QUEUE_URL")

    @classmethod
    def validate(cls) -> None:
        missing = [name for name in cls.REQUIRED if not getattr(cls, name)]
        if missing:
            raise RuntimeError(f"missing required settings: {', '.join(missing)}")
