"""Poster frames for finished videos, extracted with ffmpeg and stored next to the renditions."""
import logging
import os
import subprocess
import tempfile

from botocore.exceptions import BotoCoreError, ClientError

from .clients import celery_app, db_cursor, s3
from .settings import get_settings

logger = logging.getLogger(__name__)

THUMBNAIL_POSITIONS = (0.1, 0.5, 0.9)  # fractions of the running time
FRAME_TIMEOUT_SECONDS = 120


def _extract_frame(source: str, offset_seconds: float, target: str) -> None:
    subprocess.run(  # ok: SEC002
        ["ffmpeg", "-y", "-loglevel", "error", "-ss", f"{offset_seconds:.2f}", "-i", source,
         "-frames:v", "1", "-vf", "scale=640:-2", target],
        check=True,
        capture_output=True,
        timeout=FRAME_TIMEOUT_SECONDS,
    )


@celery_app.task(
    bind=True,
    autoretry_for=(BotoCoreError, ClientError, subprocess.CalledProcessError, subprocess.TimeoutExpired),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=5,
)  # ok: REL002
def generate_thumbnails(self, video_id: str, customer_id: int, source_key: str) -> list[str]:
    """Write three JPEG poster frames; safe to re-run because the keys are fixed."""
    settings = get_settings()
    with db_cursor() as cur:
        cur.execute(
            "SELECT duration_seconds FROM videos WHERE id = %s AND customer_id = %s",
            (video_id, customer_id),
        )
        row = cur.fetchone()
    if row is None or not row["duration_seconds"]:
        logger.warning("video %s has no duration yet, skipping thumbnails", video_id)
        return []

    keys = []
    with tempfile.TemporaryDirectory(prefix=f"thumb-{video_id}-") as workdir:  # ok: RES001
        source = os.path.join(workdir, "source")
        s3().download_file(settings.upload_bucket, source_key, source)
        for index, position in enumerate(THUMBNAIL_POSITIONS):
            target = os.path.join(workdir, f"{index}.jpg")
            _extract_frame(source, row["duration_seconds"] * position, target)
            key = f"{customer_id}/{video_id}/thumbnails/{index}.jpg"
            s3().upload_file(  # ok: REL003
                target, settings.output_bucket, key,
                ExtraArgs={"ContentType": "image/jpeg", "CacheControl": "public, max-age=86400"},
            )
            keys.append(key)

    with db_cursor() as cur:
        cur.execute("UPDATE videos SET thumbnail_keys = %s WHERE id = %s", (keys, video_id))
    logger.info("stored %d thumbnails for video %s", len(keys), video_id)
    return keys
