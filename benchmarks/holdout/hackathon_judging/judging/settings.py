"""Settings for the judging service, read once at start-up."""
import os
from dataclasses import dataclass


class SettingsError(RuntimeError):
    pass


def _int(name, default):
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise SettingsError(f"{name} must be an integer, got {raw!r}") from exc


@dataclass(frozen=True)
class Settings:
    database_dsn: str
    redis_url: str
    jwt_secret: str
    jwt_audience: str
    aws_region: str
    upload_bucket: str
    max_upload_bytes: int
    payout_api_url: str
    payout_api_token: str
    mail_sender: str
    public_base_url: str
    db_pool_max: int
    leaderboard_refresh_seconds: int

    @classmethod
    def from_env(cls):
        secret = os.environ.get("JUDGING_JWT_SECRET", "")
        if len(secret) < 32:
            raise SettingsError("JUDGING_JWT_SECRET must be set to at least 32 characters")
        return cls(
            database_dsn=os.environ.get("DATABASE_URL", "postgresql://judging@localhost:5432/judging"),
            redis_url=os.environ.get("REDIS_URL", "redis://localhost:6379/0"),
            jwt_secret=secret,
            jwt_audience=os.environ.get("JWT_AUDIENCE", "judging-api"),
            aws_region=os.environ.get("AWS_REGION", "eu-west-1"),
            upload_bucket=os.environ.get("UPLOAD_BUCKET", "hack-submissions-dev"),
            max_upload_bytes=_int("MAX_UPLOAD_BYTES", 200 * 1024 * 1024),
            payout_api_url=os.environ.get("PAYOUT_API_URL", "https://sandbox.payouts.example.com/v2"),
            payout_api_token=os.environ.get("PAYOUT_API_TOKEN", ""),
            mail_sender=os.environ.get("MAIL_SENDER", "judging@hackweek.example.org"),
            public_base_url=os.environ.get("PUBLIC_BASE_URL", "http://localhost:8080"),
            db_pool_max=_int("DB_POOL_MAX", 10),
            leaderboard_refresh_seconds=_int("LEADERBOARD_REFRESH_SECONDS", 15),
        )


ALLOWED_ARCHIVE_TYPES = {
    ".zip": "application/zip",
    ".tar.gz": "application/gzip",
    ".pdf": "application/pdf",
    ".mp4": "video/mp4",
}

SCORING_CRITERIA = {"innovation": 0.3, "execution": 0.3, "impact": 0.25, "presentation": 0.15}
