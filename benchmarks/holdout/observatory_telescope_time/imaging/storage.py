"""FITS upload and download straight to and from S3 (v2 endpoints).

The upload is streamed to S3 with a multipart transfer, so neither the web
container's disk nor its memory ever holds the whole image; only the first
header block is read to validate the file.
"""
import logging
import uuid

import boto3
from boto3.s3.transfer import TransferConfig
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError
from django.conf import settings
from django.shortcuts import get_object_or_404
from rest_framework import status
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from imaging.uploads import HEADER_BLOCK, parse_primary_header
from scheduling.models import FitsImage, ObservingNight

logger = logging.getLogger(__name__)

_s3 = boto3.client(
    "s3",
    config=Config(connect_timeout=5, read_timeout=60, retries={"max_attempts": 5, "mode": "standard"}),
)
_transfer = TransferConfig(multipart_threshold=64 * 1024 * 1024, multipart_chunksize=32 * 1024 * 1024)


class FitsUploadV2View(APIView):
    parser_classes = [MultiPartParser]

    def post(self, request):
        upload = request.FILES.get("file")
        if upload is None:
            return Response({"detail": "Attach the image as 'file'."}, status=status.HTTP_400_BAD_REQUEST)
        if upload.size > settings.FITS_MAX_BYTES:
            return Response({"detail": "File is too large."}, status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE)

        first_block = upload.read(HEADER_BLOCK)  # ok: RES003
        if not first_block.startswith(b"SIMPLE  ="):
            return Response({"detail": "Not a FITS file."}, status=status.HTTP_400_BAD_REQUEST)
        header = parse_primary_header(first_block)
        upload.seek(0)

        night = None
        if request.data.get("night"):
            night = get_object_or_404(ObservingNight, pk=request.data["night"])

        image_id = uuid.uuid4()
        key = f"raw/{request.user.pk}/{image_id}.fits"
        try:
            _s3.upload_fileobj(
                upload,
                settings.FITS_BUCKET,
                key,
                ExtraArgs={"ContentType": "application/fits"},
                Config=_transfer,
            )
        except (BotoCoreError, ClientError):
            logger.exception("S3 upload failed for image %s (user %s)", image_id, request.user.pk)
            return Response({"detail": "Storage is unavailable, try again later."}, status=status.HTTP_503_SERVICE_UNAVAILABLE)

        image = FitsImage.objects.create(
            id=image_id,
            owner=request.user,
            night=night,
            s3_key=key,
            original_name=upload.name[:255],
            size_bytes=upload.size,
            object_name=header.get("OBJECT", "")[:80],
        )
        logger.info("stored FITS %s (%d bytes) for user %s", image.pk, image.size_bytes, request.user.pk)
        return Response({"id": str(image.pk), "object": image.object_name}, status=status.HTTP_201_CREATED)


class FitsDownloadView(APIView):
    """Short-lived presigned URL for one of the caller's own images."""

    def get(self, request, image_id):
        image = get_object_or_404(FitsImage, pk=image_id, owner=request.user)
        url = _s3.generate_presigned_url(
            "get_object",
            Params={
                "Bucket": settings.FITS_BUCKET,
                "Key": image.s3_key,
                "ResponseContentDisposition": f'attachment; filename="{image.pk}.fits"',
            },
            ExpiresIn=300,
        )
        return Response({"url": url, "expires_in": 300})
