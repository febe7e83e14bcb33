import logging
import os
import shutil
import subprocess
import tempfile

import boto3
import requests
from botocore.config import Config
from celery import shared_task
from django.conf import settings

from .models import Lesson

logger = logging.getLogger(__name__)

s3 = boto3.client(
    "s3",
    region_name=settings.AWS_REGION,
    config=Config(connect_timeout=5, read_timeout=60, retries={"max_attempts": 3}),
)

RENDITIONS = [
    ("720p", "1280:720", "2500k"),
    ("480p", "854:480", "1000k"),
    ("360p", "640:360", "600k"),
]


@shared_task(bind=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=None)  # expect: REL002
def transcode_lesson_video(self, lesson_id, source_path):
    lesson = Lesson.objects.select_related("course").get(pk=lesson_id)
    Lesson.objects.filter(pk=lesson_id).update(transcode_status=Lesson.PROCESSING)

    workdir = tempfile.mkdtemp(prefix=f"lesson-{lesson_id}-")
    try:
        outputs = {}
        for name, scale, bitrate in RENDITIONS:
            out_path = os.path.join(workdir, f"{name}.mp4")
            cmd = f"ffmpeg -y -loglevel error -i '{source_path}' -vf scale={scale} -b:v {bitrate} -c:a aac -movflags +faststart '{out_path}'"
            subprocess.run(cmd, shell=True, check=True, capture_output=True, timeout=3600)  # expect: SEC002
            key = f"lessons/{lesson.course.slug}/{lesson_id}/{name}.mp4"
            s3.upload_file(out_path, settings.MEDIA_BUCKET, key, ExtraArgs={"ContentType": "video/mp4"})
            outputs[name] = key

        thumb_path = os.path.join(workdir, "thumb.jpg")
        subprocess.run(["ffmpeg", "-y", "-loglevel", "error", "-ss", "3", "-i", source_path, "-frames:v", "1", thumb_path], check=True, timeout=120)  # ok: SEC002
        thumb_key = f"lessons/{lesson.course.slug}/{lesson_id}/thumb.jpg"
        s3.upload_file(thumb_path, settings.MEDIA_BUCKET, thumb_key, ExtraArgs={"ContentType": "image/jpeg"})

        lesson.renditions = outputs
        lesson.thumbnail_key = thumb_key
        lesson.duration_seconds = _probe_duration(source_path)
        lesson.transcode_status = Lesson.READY
        lesson.save(update_fields=["renditions", "thumbnail_key", "duration_seconds", "transcode_status"])
    finally:
        shutil.rmtree(workdir, ignore_errors=True)

    _notify_teacher(lesson)
    logger.info("lesson %s transcoded into %s renditions", lesson_id, len(outputs))


@shared_task
def retranscode_from_s3(lesson_id):
    lesson = Lesson.objects.get(pk=lesson_id)
    fd, path = tempfile.mkstemp(suffix=os.path.splitext(lesson.source_key)[1] or ".mp4")
    fh = os.fdopen(fd, "wb")  # expect: RES001
    s3.download_fileobj(settings.MEDIA_BUCKET, lesson.source_key, fh)
    fh.close()
    try:
        transcode_lesson_video(lesson_id, path)
    finally:
        os.unlink(path)


def _probe_duration(path):
    out = subprocess.run(
        ["ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", path],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return int(float(out.stdout.strip() or 0))


def _notify_teacher(lesson):
    hook = lesson.course.teacher.webhook_url
    if not hook:
        return
    payload = {"event": "lesson.ready", "lesson": lesson.pk, "title": lesson.title}
    resp = requests.post(hook, json=payload)  # expect: REL001
    if resp.status_code >= 400:
        logger.warning("teacher webhook %s returned %s for lesson %s", hook, resp.status_code, lesson.pk)
