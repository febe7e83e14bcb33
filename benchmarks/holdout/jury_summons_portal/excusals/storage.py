"""Hardship statements for excusal requests, stored in S3 under server-generated keys."""
import logging
import uuid

import boto3
from botocore.config import Config
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET, require_POST

from summons.models import ExcusalDocument, Summons

logger = logging.getLogger(__name__)

_s3 = boto3.client(
    "s3",
    region_name=settings.AWS_REGION,
    config=Config(connect_timeout=3, read_timeout=20, retries={"max_attempts": 3, "mode": "standard"}),
)

_SIGNATURES = {
    b"%PDF-": "application/pdf",
    b"\x89PNG\r\n\x1a\n": "image/png",
    b"\xff\xd8\xff": "image/jpeg",
}


def _sniff(upload):
    head = upload.read(16)
    upload.seek(0)
    for magic, content_type in _SIGNATURES.items():
        if head.startswith(magic):
            return content_type
    return None


@login_required
@require_POST
def upload_hardship_statement(request, summons_id):
    summons = get_object_or_404(Summons, pk=summons_id, juror__user=request.user)
    upload = request.FILES.get("statement")
    if upload is None:
        return JsonResponse({"error": "statement is required"}, status=400)
    if upload.size > settings.EXCUSAL_MAX_BYTES:  # ok: SEC019
        return JsonResponse({"error": "file too large"}, status=413)
    content_type = _sniff(upload)
    if content_type is None:
        return JsonResponse({"error": "only PDF, PNG or JPEG files are accepted"}, status=415)

    key = f"hardship/{summons.pk}/{uuid.uuid4().hex}"
    _s3.upload_fileobj(  # ok: SCL002
        upload,
        settings.EXCUSAL_BUCKET,
        key,
        ExtraArgs={"ContentType": content_type, "ServerSideEncryption": "aws:kms"},
    )
    doc = ExcusalDocument.objects.create(
        summons=summons,
        original_name=upload.name[:255],
        s3_key=key,
        content_type=content_type,
        size_bytes=upload.size,
    )
    logger.info("hardship statement stored summons=%s doc=%s key=%s", summons.pk, doc.pk, key)
    return JsonResponse({"id": doc.pk, "content_type": content_type}, status=201)


@login_required
@require_GET
def hardship_statement_link(request, doc_id):
    if request.user.is_staff:
        doc = get_object_or_404(ExcusalDocument, pk=doc_id)
    else:
        doc = get_object_or_404(ExcusalDocument, pk=doc_id, summons__juror__user=request.user)  # ok: SEC018
    if not doc.s3_key:
        return JsonResponse({"error": "document is not in object storage"}, status=404)
    url = _s3.generate_presigned_url(
        "get_object",
        Params={"Bucket": settings.EXCUSAL_BUCKET, "Key": doc.s3_key},
        ExpiresIn=300,
    )
    return JsonResponse({"url": url, "expires_in": 300})
