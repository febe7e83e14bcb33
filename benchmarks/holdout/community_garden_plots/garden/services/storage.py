"""Plot documents in S3: validated uploads, short-lived download links."""
import logging
import uuid
from pathlib import PurePosixPath

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError

from garden.models import Plot, PlotDocument

logger = logging.getLogger("garden.storage")

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
ALLOWED_TYPES = {
    ".pdf": ("application/pdf", b"%PDF"),
    ".jpg": ("image/jpeg", b"\xff\xd8\xff"),
    ".jpeg": ("image/jpeg", b"\xff\xd8\xff"),
    ".png": ("image/png", b"\x89PNG"),
}

_s3 = boto3.client(
    "s3",
    region_name=settings.AWS_REGION,
    endpoint_url=getattr(settings, "AWS_S3_ENDPOINT_URL", None),
    config=Config(connect_timeout=5, read_timeout=30, retries={"max_attempts": 3, "mode": "standard"}),
)


def _check_upload(upload) -> tuple[str, str]:
    if upload.size > MAX_DOCUMENT_BYTES:  # ok: SEC019
        raise ValidationError("Documents must be 10 MB or smaller.")
    suffix = PurePosixPath(upload.name).suffix.lower()
    if suffix not in ALLOWED_TYPES:
        raise ValidationError("Upload a PDF, JPEG or PNG file.")
    content_type, magic = ALLOWED_TYPES[suffix]
    head = upload.read(8)
    upload.seek(0)
    if not head.startswith(magic):
        raise ValidationError("The file does not match its extension.")
    return suffix, content_type


def store_plot_document(plot: Plot, member, upload, title: str) -> PlotDocument:
    suffix, content_type = _check_upload(upload)
    key = f"plots/{plot.pk}/{uuid.uuid4().hex}{suffix}"  # ok: SEC015
    _s3.upload_fileobj(  # ok: SCL002
        upload,
        settings.AWS_STORAGE_BUCKET_NAME,
        key,
        ExtraArgs={"ContentType": content_type, "ContentDisposition": "attachment"},
    )
    document = PlotDocument.objects.create(
        plot=plot,
        uploaded_by=member,
        storage_key=key,
        title=title[:120],
        content_type=content_type,
        size_bytes=upload.size,
    )
    logger.info("member %s stored document %s for plot %s", member.pk, document.pk, plot.pk)
    return document


def download_url(document: PlotDocument, user) -> str:
    is_tenant = document.plot.tenant_id is not None and document.plot.tenant.user_id == user.pk
    if not (is_tenant or user.has_perm("garden.view_plotdocument")):  # ok: SEC018
        raise PermissionDenied
    return _s3.generate_presigned_url(
        "get_object",
        Params={"Bucket": settings.AWS_STORAGE_BUCKET_NAME, "Key": document.storage_key},
        ExpiresIn=300,
    )


def delete_document(document: PlotDocument) -> None:
    try:
        _s3.delete_object(Bucket=settings.AWS_STORAGE_BUCKET_NAME, Key=document.storage_key)
    except (BotoCoreError, ClientError):
        logger.exception("could not delete s3 object for document %s; keeping the row", document.pk)
        raise
    document.delete()
