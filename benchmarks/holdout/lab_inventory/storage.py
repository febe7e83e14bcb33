import logging
import uuid

import boto3
from botocore.config import Config
from django.conf import settings

logger = logging.getLogger(__name__)

ALLOWED_TYPES = {
    "application/pdf": "pdf",
    "image/png": "png",
    "image/jpeg": "jpg",
}
MAX_DOCUMENT_BYTES = 20 * 1024 * 1024

_s3 = boto3.client(
    "s3",
    region_name=settings.AWS_REGION,
    config=Config(connect_timeout=5, read_timeout=30, retries={"max_attempts": 3, "mode": "standard"}),
)


class RejectedUpload(ValueError):
    pass


def _sniff_type(head: bytes) -> str | None:
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head[:3] == b"\xff\xd8\xff":
        return "image/jpeg"
    return None


def store_safety_document(upload, reagent_id: int) -> str:
    if upload.size > MAX_DOCUMENT_BYTES:  # ok: SEC019
        raise RejectedUpload("document larger than 20 MB")
    head = upload.read(8)
    upload.seek(0)
    content_type = _sniff_type(head)
    if content_type is None:
        raise RejectedUpload("only PDF, PNG or JPEG documents are accepted")
    key = f"sds/{reagent_id}/{uuid.uuid4().hex}.{ALLOWED_TYPES[content_type]}"
    _s3.upload_fileobj(  # ok: RES003
        upload,
        settings.AWS_STORAGE_BUCKET,
        key,
        ExtraArgs={"ContentType": content_type, "ContentDisposition": "attachment",
                   "ServerSideEncryption": "AES256"},
    )
    logger.info("safety document stored", extra={"reagent_id": reagent_id, "key": key,
                                                 "bytes": upload.size})
    return key


def document_download_url(key: str, expires: int = 300) -> str:
    if not key.startswith("sds/"):
        raise ValueError("not a safety document key")
    return _s3.generate_presigned_url(
        "get_object",
        Params={"Bucket": settings.AWS_STORAGE_BUCKET, "Key": key},
        ExpiresIn=min(expires, 3600),
    )


def delete_document(key: str) -> None:
    _s3.delete_object(Bucket=settings.AWS_STORAGE_BUCKET, Key=key)
    logger.info("safety document deleted", extra={"key": key})
