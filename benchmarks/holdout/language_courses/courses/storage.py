"""S3 helpers for lesson media: direct uploads, streaming copies and signed playback."""
import logging
import os
import tempfile
import uuid

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError
from django.conf import settings

logger = logging.getLogger(__name__)

_S3_CONFIG = Config(connect_timeout=5, read_timeout=30, retries={"max_attempts": 4, "mode": "standard"})

MAX_VIDEO_BYTES = 4 * 1024 ** 3
VIDEO_CONTENT_TYPES = {"video/mp4", "video/webm", "video/quicktime", "video/x-matroska"}
PLAYBACK_URL_TTL = 3600


def s3_client():
    return boto3.client("s3", region_name=settings.AWS_REGION, config=_S3_CONFIG)


def presigned_video_upload(lesson, content_type):
    """Returns a presigned POST the teacher's browser uploads to directly."""
    if content_type not in VIDEO_CONTENT_TYPES:
        raise ValueError(f"unsupported content type {content_type}")
    key = f"uploads/{lesson.course_id}/{lesson.pk}/{uuid.uuid4().hex}"
    post = s3_client().generate_presigned_post(
        Bucket=settings.MEDIA_BUCKET,
        Key=key,
        Fields={"Content-Type": content_type},
        Conditions=[
            {"Content-Type": content_type},
            ["content-length-range", 1, MAX_VIDEO_BYTES],  # ok: SEC019
        ],
        ExpiresIn=900,
    )
    return post, key


def stream_to_s3(fileobj, key, content_type, bucket=None):
    s3_client().upload_fileobj(  # ok: RES003
        fileobj,
        bucket or settings.MEDIA_BUCKET,
        key,
        ExtraArgs={"ContentType": content_type},
    )
    return key


def signed_playback_url(key, ttl=PLAYBACK_URL_TTL):
    return s3_client().generate_presigned_url(
        "get_object",
        Params={"Bucket": settings.MEDIA_BUCKET, "Key": key},
        ExpiresIn=ttl,
    )


def download_to_tempfile(key, suffix=".mp4"):
    """Downloads an object to a temp file; the caller deletes the returned path."""
    tmp = tempfile.NamedTemporaryFile(suffix=suffix, delete=False)
    try:
        with tmp:  # ok: RES001
            s3_client().download_fileobj(settings.MEDIA_BUCKET, key, tmp)
    except ClientError:
        os.unlink(tmp.name)
        logger.exception("could not download s3://%s/%s", settings.MEDIA_BUCKET, key)
        raise
    return tmp.name


def object_size(key):
    try:
        head = s3_client().head_object(Bucket=settings.MEDIA_BUCKET, Key=key)
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey"):
            return None
        raise
    return head["ContentLength"]
