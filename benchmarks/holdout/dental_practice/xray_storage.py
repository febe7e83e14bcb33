"""S3 storage for x-ray images."""
import logging
import uuid

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError
from django.conf import settings

logger = logging.getLogger(__name__)

MAGIC_BYTES = {"image/jpeg": b"\xff\xd8\xff", "image/png": b"\x89PNG\r\n\x1a\n"}
DICOM_PREAMBLE = 128
EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "application/dicom": "dcm"}
PRESIGNED_TTL_SECONDS = 300

_s3 = boto3.client(
    "s3",
    region_name=settings.AWS_REGION,
    config=Config(connect_timeout=5, read_timeout=30, retries={"max_attempts": 3, "mode": "standard"}),
)


class StorageError(Exception):
    pass


class InvalidUpload(ValueError):
    pass


def detect_content_type(upload):
    """Check size and magic bytes of an uploaded file and return its real content type."""
    if upload.size > settings.XRAY_MAX_BYTES:
        raise InvalidUpload("file too large")
    head = upload.read(DICOM_PREAMBLE + 4)
    upload.seek(0)
    if head[DICOM_PREAMBLE:DICOM_PREAMBLE + 4] == b"DICM":
        return "application/dicom"
    for content_type, magic in MAGIC_BYTES.items():
        if head.startswith(magic):
            return content_type
    raise InvalidUpload("unsupported image type")


def build_key(patient_id, content_type):
    return f"xrays/{int(patient_id)}/{uuid.uuid4().hex}.{EXTENSIONS[content_type]}"


def upload_xray(fileobj, patient_id, content_type):
    """Stream a file object to S3 in parts and return its key."""
    key = build_key(patient_id, content_type)
    try:
        _s3.upload_fileobj(
            fileobj,
            settings.XRAY_BUCKET,
            key,
            ExtraArgs={"ContentType": content_type, "ServerSideEncryption": "aws:kms"},
        )
    except (BotoCoreError, ClientError) as exc:
        logger.warning("x-ray upload for patient %s failed: %s", patient_id, exc)
        raise StorageError(str(exc)) from exc
    return key


def presigned_download_url(key):
    return _s3.generate_presigned_url(
        "get_object",
        Params={"Bucket": settings.XRAY_BUCKET, "Key": key},
        ExpiresIn=PRESIGNED_TTL_SECONDS,
    )


def delete_xray(key):
    try:
        _s3.delete_object(Bucket=settings.XRAY_BUCKET, Key=key)
    except (BotoCoreError, ClientError) as exc:
        raise StorageError(f"could not delete {key}: {exc}") from exc
