"""Transcoding: take job specs off SQS, run ffmpeg per rendition, publish the results."""
import base64
import logging
import os
import pickle
import subprocess
import tempfile

from .clients import celery_app, db_cursor, s3, sqs
from .metering import record_usage
from .settings import RENDITION_PROFILES, get_settings
from .thumbnails import generate_thumbnails
from .webhooks import notify_customer

logger = logging.getLogger(__name__)


def consume_job_queue() -> None:
    """Entry point of the job-consumer deployment: move SQS job specs onto Celery."""
    settings = get_settings()
    while True:  # ok: REL002
        resp = sqs().receive_message(
            QueueUrl=settings.jobs_queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=20
        )
        for message in resp.get("Messages", []):
            spec = pickle.loads(base64.b64decode(message["Body"]))  # expect: SEC004
            transcode_video.delay(spec["video_id"], spec["customer_id"], spec["source_key"],
                                  spec["profiles"], spec.get("watermark", ""))
            sqs().delete_message(QueueUrl=settings.jobs_queue_url, ReceiptHandle=message["ReceiptHandle"])


def _probe_duration(path: str) -> float:
    result = subprocess.run(  # ok: SEC002
        ["ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "default=nw=1:nk=1", path],
        capture_output=True, text=True, timeout=60, check=True,
    )
    return float(result.stdout.strip())


def _ffmpeg_command(source: str, target: str, profile: dict, watermark: str) -> str:
    filters = f"scale={profile['width']}:{profile['height']}"
    if watermark:
        filters += f",drawtext=text='{watermark}':x=w-tw-20:y=h-th-20:fontsize=24:fontcolor=white@0.6"
    return (f"ffmpeg -y -loglevel error -i {source} -vf \"{filters}\" -c:v libx264 "
            f"-b:v {profile['video_bitrate']} -c:a aac -movflags +faststart {target}")


@celery_app.task(bind=True, max_retries=None, default_retry_delay=10)  # expect: REL002
def transcode_video(self, video_id: str, customer_id: int, source_key: str, profiles: list[str], watermark: str = ""):
    settings = get_settings()
    source = tempfile.NamedTemporaryFile(prefix=f"{video_id}-", suffix=".src", delete=False)  # expect: RES001
    s3().download_fileobj(settings.upload_bucket, source_key, source)
    source.flush()

    with db_cursor() as cur:
        cur.execute("UPDATE videos SET status = 'transcoding' WHERE id = %s", (video_id,))
    try:
        duration = _probe_duration(source.name)
        for name in profiles:
            target = os.path.join(tempfile.gettempdir(), f"{video_id}-{name}.mp4")
            cmd = _ffmpeg_command(source.name, target, RENDITION_PROFILES[name], watermark)
            subprocess.run(cmd, shell=True, check=True)  # expect: SEC002
            s3().upload_file(target, settings.output_bucket, f"{customer_id}/{video_id}/{name}.mp4")
            os.remove(target)
            print(f"[transcode] {video_id} {name} done")  # expect: OBS001
    except subprocess.CalledProcessError as exc:
        logger.warning("ffmpeg failed for video %s, retrying: %s", video_id, exc)
        raise self.retry(exc=exc)

    with db_cursor() as cur:
        cur.execute(
            "UPDATE videos SET status = 'ready', duration_seconds = %s, finished_at = now() WHERE id = %s",
            (duration, video_id),
        )
    record_usage(customer_id, video_id, duration * len(profiles))
    generate_thumbnails.delay(video_id, customer_id, source_key)
    notify_customer.delay(customer_id, "video.ready", {"video_id": video_id, "profiles": profiles})
    logger.info("video %s transcoded into %s", video_id, ",".join(profiles))
