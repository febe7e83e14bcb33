"""Object storage for visit photos and quote PDFs (S3)."""
from __future__ import annotations

import asyncio
import logging
import uuid
from dataclasses import dataclass

import boto3
from botocore.config import Config
from litestar.datastructures import UploadFile

logger = logging.getLogger(__name__)

CHUNK_SIZE = 256 * 1024

_SIGNATURES: tuple[tuple[bytes, str, str], ...] = (
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
)


class PhotoRejected(Exception):
    """The upload is too large or is not a supported image."""


@dataclass(frozen=True)
class StoredObject:
    key: str
    content_type: str
    size_bytes: int


def sniff_image(head: bytes) -> tuple[str, str] | None:
    for magic, content_type, extension in _SIGNATURES:
        if head.startswith(magic):
            return content_type, extension
    if head[4:12] in (b"ftypheic", b"ftypheix", b"ftypmif1"):
        return "image/heic", ".heic"
    return None


class PhotoStore:
    def __init__(self, bucket: str, region: str, max_bytes: int) -> None:
        self._bucket = bucket
        self._max_bytes = max_bytes
        self._s3 = boto3.client(
            "s3",
            region_name=region,
            config=Config(connect_timeout=5, read_timeout=30, retries={"max_attempts": 3, "mode": "standard"}),
        )

    async def _read_capped(self, upload: UploadFile) -> bytes:
        parts: list[bytes] = []
        total = 0
        while chunk := await upload.read(CHUNK_SIZE):
            total += len(chunk)
            if total > self._max_bytes:  # ok: SEC019
                raise PhotoRejected(f"photos are limited to {self._max_bytes // (1024 * 1024)} MB")
            parts.append(chunk)
        return b"".join(parts)

    async def save_visit_photo(self, visit_id: int, upload: UploadFile) -> StoredObject:
        body = await self._read_capped(upload)
        sniffed = sniff_image(body[:16])
        if sniffed is None:
            raise PhotoRejected("only JPEG, PNG and HEIC photos are accepted")
        content_type, extension = sniffed
        key = f"visits/{visit_id}/{uuid.uuid4().hex}{extension}"  # ok: SEC015
        await asyncio.to_thread(  # ok: CON001
            self._s3.put_object,
            Bucket=self._bucket,
            Key=key,
            Body=body,
            ContentType=content_type,
            ServerSideEncryption="AES256",
        )
        logger.info("stored photo for visit %s as %s (%d bytes)", visit_id, key, len(body))
        return StoredObject(key=key, content_type=content_type, size_bytes=len(body))

    async def save_quote_pdf(self, reference: str, pdf: bytes) -> StoredObject:
        key = f"quotes/{reference}.pdf"
        await asyncio.to_thread(
            self._s3.put_object,
            Bucket=self._bucket,
            Key=key,
            Body=pdf,
            ContentType="application/pdf",
            ServerSideEncryption="AES256",
        )
        return StoredObject(key=key, content_type="application/pdf", size_bytes=len(pdf))

    async def signed_url(self, key: str, expires_in: int = 900) -> str:
        return await asyncio.to_thread(
            self._s3.generate_presigned_url,
            "get_object",
            Params={"Bucket": self._bucket, "Key": key},
            ExpiresIn=expires_in,
        )
