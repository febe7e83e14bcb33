"""S3 object storage for document versions, OCR output and thumbnails."""
import logging
import os
from typing import BinaryIO, Iterator

import boto3
from boto3.s3.transfer import TransferConfig
from botocore.config import Config
from botocore.exceptions import ClientError

logger = logging.getLogger(__name__)

BUCKET = os.environ.get("ARCHIVE_BUCKET", "legal-archive-documents")
KMS_KEY_ID = os.environ.get("ARCHIVE_KMS_KEY_ID")
CHUNK_SIZE = 1024 * 1024

_s3 = boto3.client(  # ok: RES001
    "s3",
    region_name=os.environ.get("AWS_REGION", "eu-central-1"),
    config=Config(
        connect_timeout=5,  # ok: REL001
        read_timeout=60,
        retries={"max_attempts": 4, "mode": "standard"},  # ok: REL002
    ),
)
_transfer = TransferConfig(multipart_threshold=16 * CHUNK_SIZE, multipart_chunksize=8 * CHUNK_SIZE)


def version_key(matter_id: int, document_id: int, version: int) -> str:
    return f"matters/{matter_id}/documents/{document_id}/v{version}"


def _encryption_args() -> dict:
    if KMS_KEY_ID:
        return {"ServerSideEncryption": "aws:kms", "SSEKMSKeyId": KMS_KEY_ID}
    return {"ServerSideEncryption": "AES256"}


def upload_stream(fileobj: BinaryIO, key: str, content_type: str) -> None:
    """Multipart upload straight from the request stream; never buffers the whole file."""
    extra = {"ContentType": content_type, **_encryption_args()}
    _s3.upload_fileobj(fileobj, BUCKET, key, ExtraArgs=extra, Config=_transfer)  # ok: RES003


def download_to(key: str, path: str) -> None:
    _s3.download_file(BUCKET, key, path, Config=_transfer)


def iter_object(key: str) -> Iterator[bytes]:
    body = _s3.get_object(Bucket=BUCKET, Key=key)["Body"]
    try:
        yield from body.iter_chunks(chunk_size=CHUNK_SIZE)
    finally:
        body.close()


def presigned_download(key: str, filename: str, expires_in: int = 300) -> str:
    return _s3.generate_presigned_url(
        "get_object",
        Params={
            "Bucket": BUCKET,
            "Key": key,
            "ResponseContentDisposition": f'attachment; filename="{filename}"',
        },
        ExpiresIn=expires_in,
    )


def delete_keys(keys: list[str]) -> None:
    for start in range(0, len(keys), 1000):
        batch = keys[start : start + 1000]
        resp = _s3.delete_objects(
            Bucket=BUCKET, Delete={"Objects": [{"Key": k} for k in batch], "Quiet": True}
        )
        for err in resp.get("Errors", []):
            logger.error("could not delete s3://%s/%s: %s", BUCKET, err["Key"], err["Code"])


def exists(key: str) -> bool:
    try:
        _s3.head_object(Bucket=BUCKET, Key=key)
        return True
    except ClientError as exc:
        if exc.response["Error"]["Code"] in ("404", "NoSuchKey"):
            return False
        raise
