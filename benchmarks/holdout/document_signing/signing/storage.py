"""S3 storage for signed documents: upload, streamed download, presigned links."""
import hashlib
import logging
from collections.abc import Iterator
from pathlib import Path

import boto3
from botocore.config import Config as BotoConfig
from botocore.exceptions import ClientError

logger = logging.getLogger(__name__)

CHUNK_SIZE = 1024 * 1024


class StorageError(Exception):
    pass


class DocumentStore:
    def __init__(self, bucket: str, region: str):
        self.bucket = bucket
        self._s3 = boto3.client(
            "s3",
            region_name=region,
            config=BotoConfig(
                connect_timeout=3,  # ok: REL001
                read_timeout=30,
                retries={"max_attempts": 4, "mode": "standard"},
            ),
        )

    def put_file(self, key: str, path: Path, content_type: str = "application/pdf") -> str:
        digest = hashlib.sha256()  # ok: SEC009
        with open(path, "rb") as fh:  # ok: RES001
            for chunk in iter(lambda: fh.read(CHUNK_SIZE), b""):
                digest.update(chunk)
            fh.seek(0)
            try:
                self._s3.upload_fileobj(
                    fh,
                    self.bucket,
                    key,
                    ExtraArgs={"ContentType": content_type, "ServerSideEncryption": "aws:kms"},
                )
            except ClientError as exc:
                logger.exception("upload of %s to s3://%s failed", key, self.bucket)
                raise StorageError(f"could not store {key}") from exc
        logger.info("stored %s (%s)", key, digest.hexdigest()[:12])
        return digest.hexdigest()

    def stream(self, key: str) -> Iterator[bytes]:
        try:
            obj = self._s3.get_object(Bucket=self.bucket, Key=key)
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") == "NoSuchKey":
                raise FileNotFoundError(key) from exc
            raise StorageError(f"could not read {key}") from exc
        body = obj["Body"]
        try:
            yield from body.iter_chunks(CHUNK_SIZE)  # ok: RES003
        finally:
            body.close()

    def presigned_download(self, key: str, filename: str, expires_seconds: int = 300) -> str:
        safe_name = "".join(ch for ch in filename if ch.isalnum() or ch in " ._-")[:120] or "document.pdf"
        return self._s3.generate_presigned_url(
            "get_object",
            Params={
                "Bucket": self.bucket,
                "Key": key,
                "ResponseContentDisposition": f'attachment; filename="{safe_name}"',
            },
            ExpiresIn=expires_seconds,
        )

    def delete(self, key: str) -> None:
        try:
            self._s3.delete_object(Bucket=self.bucket, Key=key)
        except ClientError as exc:
            logger.exception("delete of %s failed", key)
            raise StorageError(f"could not delete {key}") from exc


def signed_key(org_id: int, document_id: str) -> str:
    return f"orgs/{org_id}/signed/{document_id}.pdf"
