"""S3 storage for damage photos and quote PDFs."""
import logging
import uuid
from functools import lru_cache
from typing import BinaryIO

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from ..config import get_settings

logger = logging.getLogger(__name__)

PRESIGN_SECONDS = 15 * 60
EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "image/heic": "heic", "application/pdf": "pdf"}


class StorageError(Exception):
    """Object storage rejected or failed an operation."""


@lru_cache(maxsize=1)
def _client():
    settings = get_settings()
    return boto3.client(
        "s3",
        region_name=settings.s3_region,
        config=Config(
            connect_timeout=3,
            read_timeout=20,
            retries={"max_attempts": 4, "mode": "standard"},
        ),
    )


def new_key(prefix: str, content_type: str) -> str:
    return f"{prefix}/{uuid.uuid4().hex}.{EXTENSIONS.get(content_type, 'bin')}"


def upload_bytes(key: str, data: bytes, content_type: str) -> None:
    """Store a small object in one PUT."""
    try:
        _client().put_object(
            Bucket=get_settings().s3_bucket,
            Key=key,
            Body=data,
            ContentType=content_type,
            ServerSideEncryption="AES256",
        )
    except (BotoCoreError, ClientError) as exc:
        logger.error("s3 put failed key=%s", key, exc_info=True)
        raise StorageError("could not store object") from exc


def upload_stream(key: str, stream: BinaryIO, content_type: str) -> None:
    """Stream a file-like object to S3 in multipart chunks."""
    try:
        _client().upload_fileobj(
            stream,
            get_settings().s3_bucket,
            key,
            ExtraArgs={"ContentType": content_type, "ServerSideEncryption": "AES256"},
        )
    except (BotoCoreError, ClientError) as exc:
        logger.error("s3 multipart upload failed key=%s", key, exc_info=True)
        raise StorageError("could not store object") from exc


def presigned_get(key: str, download_name: str | None = None) -> str:
    params = {"Bucket": get_settings().s3_bucket, "Key": key}
    if download_name:
        params["ResponseContentDisposition"] = f'attachment; filename="{download_name}"'
    return _client().generate_presigned_url("get_object", Params=params, ExpiresIn=PRESIGN_SECONDS)


def delete(key: str) -> None:
    try:
        _client().delete_object(Bucket=get_settings().s3_bucket, Key=key)
    except (BotoCoreError, ClientError):
        logger.warning("s3 delete failed key=%s", key, exc_info=True)
