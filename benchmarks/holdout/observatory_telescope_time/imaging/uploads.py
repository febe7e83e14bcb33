"""FITS uploads from the instrument PCs and observers' laptops.

The view stages the file and returns quickly; the Celery task reads the primary
header, pushes the file to S3 and records it.
"""
import logging
import os
import uuid

import boto3
from botocore.config import Config
from celery import shared_task
from django.conf import settings
from django.contrib.auth import get_user_model
from rest_framework import status
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from scheduling.models import FitsImage

logger = logging.getLogger(__name__)

FITS_SUFFIXES = (".fits", ".fit", ".fts")
HEADER_BLOCK = 2880

s3 = boto3.client("s3", config=Config(connect_timeout=5, read_timeout=60, retries={"max_attempts": 4}))


def parse_primary_header(data: bytes) -> dict:
    """Parse 80-character header cards until END; returns {keyword: raw value}."""
    cards = {}
    for offset in range(0, len(data), 80):
        card = data[offset:offset + 80].decode("ascii", errors="replace")
        keyword = card[:8].strip()
        if keyword == "END":
            break
        if card[8:10] == "= ":
            cards[keyword] = card[10:].split("/", 1)[0].strip().strip("'").strip()
    return cards


class FitsUploadView(APIView):
    parser_classes = [MultiPartParser]

    def post(self, request):
        upload = request.FILES.get("file")
        if upload is None:
            return Response({"detail": "Attach the image as 'file'."}, status=status.HTTP_400_BAD_REQUEST)
        if not upload.name.lower().endswith(FITS_SUFFIXES):
            return Response({"detail": "Only FITS files are accepted."}, status=status.HTTP_400_BAD_REQUEST)
        if upload.size > settings.FITS_MAX_BYTES:
            return Response({"detail": "File is too large."}, status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE)

        os.makedirs(settings.FITS_STAGING_DIR, exist_ok=True)
        staging_path = os.path.join(settings.FITS_STAGING_DIR, upload.name)  # expect: SEC015
        with open(staging_path, "wb") as out:  # expect: SCL002
            for chunk in upload.chunks():
                out.write(chunk)

        ingest_fits.delay(staging_path, request.user.pk, request.data.get("night"))
        logger.info("staged %s (%d bytes) for user %s", upload.name, upload.size, request.user.pk)
        return Response({"status": "processing", "name": upload.name}, status=status.HTTP_202_ACCEPTED)


@shared_task(bind=True, max_retries=3, default_retry_delay=60)
def ingest_fits(self, staging_path: str, user_id: int, night_id=None):
    with open(staging_path, "rb") as fh:
        data = fh.read()  # expect: RES003

    if not data.startswith(b"SIMPLE  ="):
        logger.warning("rejecting %s: not a FITS primary HDU", staging_path)
        os.remove(staging_path)
        return None

    header = parse_primary_header(data[: HEADER_BLOCK * 10])
    key = f"raw/{user_id}/{uuid.uuid4()}.fits"
    s3.put_object(Bucket=settings.FITS_BUCKET, Key=key, Body=data, ContentType="application/fits")

    owner = get_user_model().objects.get(pk=user_id)
    image = FitsImage.objects.create(
        owner=owner,
        night_id=night_id,
        s3_key=key,
        original_name=os.path.basename(staging_path),
        size_bytes=len(data),
        object_name=header.get("OBJECT", "")[:80],
    )
    os.remove(staging_path)
    logger.info("ingested FITS %s as %s (object %s)", image.pk, key, image.object_name or "?")
    return str(image.pk)
