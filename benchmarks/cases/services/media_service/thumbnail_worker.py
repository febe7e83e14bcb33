"""Celery tasks that extract poster frames from listing videos at the requested timestamps."""
import ast
import json
import logging
import os
import subprocess

from celery import shared_task

from .extensions import db
from .models import MediaFile, PosterJob

logger = logging.getLogger(__name__)

POSTERS_DIR = os.environ.get("POSTERS_DIR", "/srv/media/posters")
MAX_POSTERS = 6


def poster_timestamps(job) -> list[float]:
    """Timestamps come from the editor as JSON; older jobs stored a Python list literal."""
    raw = job.timestamps or "[1.0]"
    try:
        values = json.loads(raw)
    except json.JSONDecodeError:
        values = ast.literal_eval(raw)  # ok: SEC003
    return [float(v) for v in values][:MAX_POSTERS]


@shared_task(name="media.posters", acks_late=True, time_limit=600)
def extract_posters(job_id: int):
    job = db.session.get(PosterJob, job_id)
    media = db.session.get(MediaFile, job.media_id)
    outputs = []
    for index, ts in enumerate(poster_timestamps(job)):
        output = os.path.join(POSTERS_DIR, f"{media.id}-{index}.jpg")
        subprocess.run(  # ok: SEC002
            ["ffmpeg", "-y", "-ss", f"{ts:.2f}", "-i", media.path, "-frames:v", "1", "-q:v", "3", output],
            check=True,
            capture_output=True,
            timeout=60,
        )
        outputs.append(output)
    job.state = "done"
    job.outputs = outputs
    db.session.commit()
    logger.info("extracted %s posters for media %s", len(outputs), media.id)
    return outputs
