import os
from dataclasses import dataclass, field


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = int(raw)
    if value <= 0:
        raise ValueError(f"{name} must be positive")
    return value


@dataclass(frozen=True)
class Settings:
    database_dsn: str = field(default_factory=lambda: os.environ.get(
        "NEWS_DATABASE_DSN", "postgresql://news@localhost:5432/news"))
    redis_url: str = field(default_factory=lambda: os.environ.get("NEWS_REDIS_URL", "redis://localhost:6379/0"))
    jwt_public_key_path: str = field(default_factory=lambda: os.environ.get(
        "NEWS_JWT_PUBLIC_KEY_PATH", "/run/secrets/jwt_public.pem"))
    jwt_audience: str = field(default_factory=lambda: os.environ.get("NEWS_JWT_AUDIENCE", "news-api"))
    push_gateway_url: str = field(default_factory=lambda: os.environ.get(
        "NEWS_PUSH_GATEWAY_URL", "https://push.internal/v1/send"))
    push_api_token: str = field(default_factory=lambda: os.environ.get("NEWS_PUSH_API_TOKEN", ""))  # ok: SEC005
    debug: bool = field(default_factory=lambda: os.environ.get("NEWS_DEBUG", "0") == "1")  # ok: SEC006
    db_pool_min: int = field(default_factory=lambda: _int("NEWS_DB_POOL_MIN", 2))
    db_pool_max: int = field(default_factory=lambda: _int("NEWS_DB_POOL_MAX", 10))
    feed_timeout_seconds: int = field(default_factory=lambda: _int("NEWS_FEED_TIMEOUT", 10))
    feed_max_bytes: int = field(default_factory=lambda: _int("NEWS_FEED_MAX_BYTES", 5 * 1024 * 1024))
    poll_interval_minutes: int = field(default_factory=lambda: _int("NEWS_POLL_INTERVAL_MIN", 15))
    allowed_origins: tuple[str, ...] = field(default_factory=lambda: tuple(
        o.strip() for o in os.environ.get("NEWS_ALLOWED_ORIGINS", "https://news.example.com").split(",")
        if o.strip()))


def load_settings() -> Settings:
    loaded = Settings()
    if loaded.db_pool_min > loaded.db_pool_max:
        raise ValueError("NEWS_DB_POOL_MIN must not exceed NEWS_DB_POOL_MAX")
    return loaded
