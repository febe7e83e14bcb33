"""Celery tasks that transcode uploaded listing videos into web-friendly renditions."""
import logging
import os

from celery import shared_task

from .extensions import db
from .models import MediaFile, TranscodeJob

logger = logging.getLogger(__name__)

RENDITIONS_DIR = os.environ.get("RENDITIONS_DIR", "/srv/media/renditions")
DEFAULT_OPTIONS = {"height": 720, "crf": 23, "preset": "veryfast", "audio_bitrate": "128k"}


def job_options(job) -> dict:
    """Options are saved from the listing editor as a dict literal, e.g. "{'height': 480}"."""
    options = dict(DEFAULT_OPTIONS)
    if job.options:
        options.update(eval(job.options))  # expect: SEC003
    return options


@shared_task(name="media.transcode", acks_late=True, time_limit=1800)
def transcode(job_id: int):
    job = db.session.get(TranscodeJob, job_id)
    media = db.session.get(MediaFile, job.media_id)
    opts = job_options(job)
    output = os.path.join(RENDITIONS_DIR, f"{media.id}-{opts['height']}p.mp4")
    command = (
        f"ffmpeg -y -i {media.path} -vf scale=-2:{opts['height']} -c:v libx264 -preset {opts['preset']} "
        f"-crf {opts['crf']} -c:a aac -b:a {opts['audio_bitrate']} {output}"
    )
    logger.info("transcoding media %s to %sp", media.id, opts["height"])
    exit_code = os.system(command)  # expect: SEC002
    if exit_code != 0:
        job.state = "failed"
        db.session.commit()
        raise RuntimeError(f"ffmpeg exited with {exit_code} for media {media.id}")
    job.state = "done"
    job.output_path = output
    db.session.commit()
    return output
