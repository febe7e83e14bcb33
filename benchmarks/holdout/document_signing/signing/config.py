"""Configuration for the document signing service, read from the environment."""
import os
from pathlib import Path

import yaml


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise RuntimeError(f"{name} must be an integer, got {raw!r}") from exc


def _env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY", "")  # ok: SEC005
    DATABASE_URL = os.environ.get("DATABASE_URL", "postgresql+psycopg://signing@localhost:5432/signing")
    DB_POOL_SIZE = _env_int("DB_POOL_SIZE", 10)

    JWT_KEYS_FILE = os.environ.get("JWT_KEYS_FILE", "/run/secrets/jwt_keys.yaml")
    JWT_ACTIVE_KID = os.environ.get("JWT_ACTIVE_KID", "")
    SESSION_TTL_SECONDS = _env_int("SESSION_TTL_SECONDS", 8 * 3600)

    MAX_CONTENT_LENGTH = _env_int("MAX_UPLOAD_MB", 25) * 1024 * 1024  # ok: SEC019
    UPLOAD_DIR = os.environ.get("UPLOAD_DIR", "/var/app/uploads")

    S3_BUCKET = os.environ.get("S3_BUCKET", "docsign-prod-documents")
    AWS_REGION = os.environ.get("AWS_REGION", "eu-central-1")

    CORS_ORIGINS = _env_list("CORS_ORIGINS", "https://app.docsign.example")
    PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "https://app.docsign.example")

    WEBHOOK_TIMEOUT_SECONDS = _env_int("WEBHOOK_TIMEOUT_SECONDS", 10)
    WEBHOOK_MAX_ATTEMPTS = _env_int("WEBHOOK_MAX_ATTEMPTS", 5)
    SIGNING_LINK_TTL_DAYS = _env_int("SIGNING_LINK_TTL_DAYS", 14)
    REMINDER_AFTER_DAYS = _env_int("REMINDER_AFTER_DAYS", 3)

    RENDER_TIMEOUT_SECONDS = _env_int("RENDER_TIMEOUT_SECONDS", 60)
    TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"

    SESSION_COOKIE_SECURE = True
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"


def load_jwt_keys(path: str) -> dict[str, str]:
    """Reads the signing keys mounted from the secret store: {kid: key}."""
    with open(path, encoding="utf-8") as fh:  # ok: RES001
        data = yaml.safe_load(fh) or {}  # ok: SEC004
    keys = data.get("keys", {})
    if not isinstance(keys, dict) or not keys:
        raise RuntimeError(f"no JWT keys found in {path}")
    for kid, key in keys.items():
        if not isinstance(key, str) or len(key) < 32:
            raise RuntimeError(f"JWT key {kid!r} is missing or shorter than 32 characters")
    return keys


def validate(config: dict) -> None:
    missing = [name for name in ("SECRET_KEY", "JWT_ACTIVE_KID") if not config.get(name)]
    if missing:
        raise RuntimeError(f"missing required settings: {', '.join(missing)}")
    if config["JWT_ACTIVE_KID"] not in config.get("JWT_KEYS", {}):
        raise RuntimeError("JWT_ACTIVE_KID does not name a loaded key")
    if config["MAX_CONTENT_LENGTH"] <= 0:
        raise RuntimeError("MAX_UPLOAD_MB must be positive")
