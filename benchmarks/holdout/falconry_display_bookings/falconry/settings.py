"""Runtime settings, read from the environment once when the process starts."""

import os
from dataclasses import dataclass
from pathlib import Path


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise RuntimeError(f"{name} must be an integer, got {raw!r}") from exc


def _secret(name: str, default: str = "") -> str:
    """Read NAME_FILE (a mounted secret) when present, else NAME from the environment."""
    path = os.environ.get(f"{name}_FILE")
    if path:
        return Path(path).read_text(encoding="utf-8").strip()
    return os.environ.get(name, default)


@dataclass(frozen=True)
class Settings:
    environment: str
    database_url: str
    redis_url: str
    jwt_secret: str
    jwt_issuer: str
    jwt_ttl_seconds: int
    smtp_host: str
    smtp_port: int
    smtp_user: str
    smtp_password: str
    smtp_timeout: int
    mail_from: str
    vetcheck_url: str
    vetcheck_api_key: str
    vetcheck_timeout: float
    tracker_max_body: int
    arena_radius_m: int


def load_settings() -> Settings:
    return Settings(
        environment=os.environ.get("FALCONRY_ENV", "production"),
        database_url=os.environ.get("DATABASE_URL", "postgresql://falconry@localhost:5432/falconry"),
        redis_url=os.environ.get("REDIS_URL", "redis://localhost:6379/0"),
        jwt_secret=_secret("JWT_SECRET", "kestrel-merlin-7f3a9c2e1b84"),  # expect: SEC005
        jwt_issuer=os.environ.get("JWT_ISSUER", "falconry-bookings"),
        jwt_ttl_seconds=_int("JWT_TTL_SECONDS", 8 * 3600),
        smtp_host=os.environ.get("SMTP_HOST", "localhost"),
        smtp_port=_int("SMTP_PORT", 587),
        smtp_user=os.environ.get("SMTP_USER", ""),
        smtp_password=_secret("SMTP_PASSWORD"),  # ok: SEC005
        smtp_timeout=_int("SMTP_TIMEOUT", 10),
        mail_from=os.environ.get("MAIL_FROM", "bookings@raptorevents.example"),
        vetcheck_url=os.environ.get("VETCHECK_URL", "https://api.avianvet.example/v1"),
        vetcheck_api_key=_secret("VETCHECK_API_KEY"),
        vetcheck_timeout=float(os.environ.get("VETCHECK_TIMEOUT", "8")),
        tracker_max_body=_int("TRACKER_MAX_BODY", 64 * 1024),
        arena_radius_m=_int("ARENA_RADIUS_M", 400),
    )


settings = load_settings()  # ok: MNT002
