"""Document uploads streamed to S3, with type sniffing and image-to-PDF conversion."""
import logging
import subprocess
import tempfile
import uuid
from pathlib import Path

import boto3
from botocore.config import Config
from django.conf import settings
from django.shortcuts import get_object_or_404
from rest_framework import status
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from permits.models import Document, PermitApplication

logger = logging.getLogger(__name__)

MAX_DOCUMENT_BYTES = 25 * 1024 * 1024
CATEGORIES = {"general", "site_plan", "insurance", "event_layout", "structural"}
MAGIC = {b"%PDF": "application/pdf", b"\x89PNG": "image/png", b"\xff\xd8\xff": "image/jpeg",
         b"II*\x00": "image/tiff", b"MM\x00*": "image/tiff"}

_s3 = boto3.client("s3", region_name=settings.AWS_REGION,
                   config=Config(connect_timeout=5, read_timeout=60, retries={"max_attempts": 3}))


def _sniff(fileobj) -> str | None:
    head = fileobj.read(8)
    fileobj.seek(0)
    return next((kind for magic, kind in MAGIC.items() if head.startswith(magic)), None)


def _tiff_to_pdf(fileobj) -> bytes:
    with tempfile.TemporaryDirectory() as workdir:
        source, target = Path(workdir) / "in.tiff", Path(workdir) / "out.pdf"
        with open(source, "wb") as fh:
            for chunk in fileobj.chunks():
                fh.write(chunk)
        subprocess.run(["convert", str(source), str(target)], check=True, timeout=120,  # ok: SEC002
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        return target.read_bytes()


class DocumentUploadAPI(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [MultiPartParser]

    def post(self, request, application_id: int):
        application = get_object_or_404(PermitApplication, pk=application_id, applicant=request.user)
        upload = request.FILES.get("document")
        category = request.data.get("category", "general")
        if upload is None or category not in CATEGORIES:
            return Response({"detail": "document and a valid category are required"},
                            status=status.HTTP_400_BAD_REQUEST)
        if upload.size > MAX_DOCUMENT_BYTES:
            return Response({"detail": "documents are limited to 25 MB"},
                            status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE)
        content_type = _sniff(upload)
        if content_type is None:
            return Response({"detail": "upload a PDF, PNG, JPEG or TIFF"},
                            status=status.HTTP_415_UNSUPPORTED_MEDIA_TYPE)

        key = f"applications/{application.pk}/{category}/{uuid.uuid4().hex}"
        if content_type == "image/tiff":
            _s3.put_object(Bucket=settings.DOCUMENTS_BUCKET, Key=f"{key}.pdf", Body=_tiff_to_pdf(upload),
                           ContentType="application/pdf", ServerSideEncryption="aws:kms")
            key, content_type = f"{key}.pdf", "application/pdf"
        else:
            _s3.upload_fileobj(upload, settings.DOCUMENTS_BUCKET, key,
                               ExtraArgs={"ContentType": content_type, "ServerSideEncryption": "aws:kms"})

        document = Document.objects.create(
            application=application, category=category, original_name=Path(upload.name).name[:255],
            content_type=content_type, size_bytes=upload.size, s3_key=key,
        )
        logger.info("document %s uploaded to s3 for application %s", document.pk, application.pk)
        return Response({"id": document.pk, "name": document.original_name}, status=status.HTTP_201_CREATED)


class DocumentLinkAPI(APIView):
    permission_classes = [IsAuthenticated]

    def get(self, request, document_id: int):
        document = get_object_or_404(Document, pk=document_id, application__applicant=request.user)
        url = _s3.generate_presigned_url(
            "get_object", Params={"Bucket": settings.DOCUMENTS_BUCKET, "Key": document.s3_key}, ExpiresIn=300
        )
        return Response({"url": url})
