"""Runtime settings for the video pipeline, read once from the environment."""
import os
from dataclasses import dataclass, field
from functools import lru_cache


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise RuntimeError(f"{name} must be an integer, got {raw!r}") from None


@dataclass(frozen=True)
class Settings:
    aws_region: str = field(default_factory=lambda: os.environ.get("AWS_REGION", "eu-west-1"))
    upload_bucket: str = field(default_factory=lambda: os.environ.get("UPLOAD_BUCKET", "vp-uploads"))
    output_bucket: str = field(default_factory=lambda: os.environ.get("OUTPUT_BUCKET", "vp-renditions"))
    jobs_queue_url: str = field(default_factory=lambda: os.environ.get("JOBS_QUEUE_URL", ""))
    database_url: str = field(default_factory=lambda: os.environ.get("DATABASE_URL", "postgresql://pipeline@localhost/pipeline"))
    broker_url: str = field(default_factory=lambda: os.environ.get("CELERY_BROKER_URL", "redis://localhost:6379/0"))
    stripe_api_key: str = field(default_factory=lambda: os.environ.get("STRIPE_API_KEY", ""))  # ok: SEC005
    db_pool_size: int = field(default_factory=lambda: _int("DB_POOL_SIZE", 10))
    max_upload_bytes: int = field(default_factory=lambda: _int("MAX_UPLOAD_BYTES", 5 * 1024**3))
    ffmpeg_timeout_seconds: int = field(default_factory=lambda: _int("FFMPEG_TIMEOUT_SECONDS", 3600))
    webhook_timeout_seconds: int = field(default_factory=lambda: _int("WEBHOOK_TIMEOUT_SECONDS", 10))
    retention_days: int = field(default_factory=lambda: _int("RETENTION_DAYS", 30))

    def validate(self) -> "Settings":
        if self.max_upload_bytes <= 0:
            raise RuntimeError("MAX_UPLOAD_BYTES must be positive")
        if self.retention_days < 1:
            raise RuntimeError("RETENTION_DAYS must be at least 1")
        return self


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Settings for this process; tests call get_settings.cache_clear() to reload."""
    return Settings().validate()


RENDITION_PROFILES = {
    "1080p": {"width": 1920, "height": 1080, "video_bitrate": "5000k"},
    "720p": {"width": 1280, "height": 720, "video_bitrate": "2800k"},
    "480p": {"width": 854, "height": 480, "video_bitrate": "1400k"},
}
