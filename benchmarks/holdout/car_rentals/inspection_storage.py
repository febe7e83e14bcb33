"""S3 storage for pickup and return inspection photos."""
from __future__ import annotations

import logging
import uuid

import boto3
from botocore.config import Config
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from PIL import Image, UnidentifiedImageError

logger = logging.getLogger(__name__)

ALLOWED_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
MAX_PHOTO_BYTES = 12 * 1024 * 1024
URL_TTL_SECONDS = 900

_s3 = boto3.client(
    "s3",
    region_name=settings.AWS_REGION,
    config=Config(connect_timeout=5, read_timeout=20, retries={"max_attempts": 3, "mode": "standard"}),
)


class PhotoRejected(ValueError):
    """The upload is too large or is not an image we accept."""


def _sniff_content_type(upload: UploadedFile) -> str:
    """Trust the bytes, not the browser's Content-Type header."""
    try:
        with Image.open(upload) as img:
            fmt = img.format
            img.verify()
    except (UnidentifiedImageError, OSError) as exc:
        raise PhotoRejected("file is not a readable image") from exc
    finally:
        upload.seek(0)
    if fmt not in ALLOWED_FORMATS:
        raise PhotoRejected(f"{fmt} images are not accepted")
    return ALLOWED_FORMATS[fmt]


def store_inspection_photo(inspection_id: int, upload: UploadedFile) -> str:
    """Stream one photo to S3 and return its key."""
    if upload.size > MAX_PHOTO_BYTES:
        raise PhotoRejected("photos must be 12 MB or smaller")
    content_type = _sniff_content_type(upload)
    key = f"inspections/{inspection_id}/{uuid.uuid4().hex}"
    _s3.upload_fileobj(
        upload,
        settings.INSPECTION_PHOTO_BUCKET,
        key,
        ExtraArgs={"ContentType": content_type, "ServerSideEncryption": "AES256"},
    )
    logger.info("inspection photo stored", extra={"inspection_id": inspection_id, "key": key})
    return key


def photo_url(key: str) -> str:
    return _s3.generate_presigned_url(
        "get_object",
        Params={"Bucket": settings.INSPECTION_PHOTO_BUCKET, "Key": key},
        ExpiresIn=URL_TTL_SECONDS,
    )
