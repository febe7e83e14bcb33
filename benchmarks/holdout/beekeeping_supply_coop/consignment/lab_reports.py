"""Lab reports (moisture, HMF, pollen analysis) that consignors attach to a honey lot.

The browser uploads the PDF straight to S3 with a presigned POST; we only hand out
the form fields and, later, short-lived download links to the lot's owner and staff.
"""
import logging
import uuid

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET, require_POST

from consignment.models import HoneyLot, LabReport

logger = logging.getLogger(__name__)

MAX_REPORT_BYTES = 8 * 1024 * 1024
UPLOAD_WINDOW_SECONDS = 600
DOWNLOAD_WINDOW_SECONDS = 300

s3 = boto3.client(
    "s3",
    region_name=settings.AWS_REGION,
    config=Config(signature_version="s3v4", connect_timeout=5, read_timeout=10, retries={"max_attempts": 3}),
)


@login_required
@require_POST
def start_upload(request, lot_id):
    lot = get_object_or_404(HoneyLot, pk=lot_id, consignor__member=request.user.member)
    key = f"lab-reports/{lot.pk}/{uuid.uuid4().hex}.pdf"
    try:
        post = s3.generate_presigned_post(
            Bucket=settings.S3_BUCKET,
            Key=key,
            Fields={"Content-Type": "application/pdf"},
            Conditions=[
                {"Content-Type": "application/pdf"},
                ["content-length-range", 1, MAX_REPORT_BYTES],
            ],
            ExpiresIn=UPLOAD_WINDOW_SECONDS,
        )
    except (BotoCoreError, ClientError):
        logger.exception("could not presign lab report upload for lot %s", lot.pk)
        return JsonResponse({"error": "uploads are unavailable, try again shortly"}, status=503)

    report = LabReport.objects.create(lot=lot, s3_key=key, status=LabReport.Status.PENDING)
    logger.info("lab report %s upload started for lot %s by member %s", report.pk, lot.pk, request.user.member.pk)
    return JsonResponse({"report_id": report.pk, "url": post["url"], "fields": post["fields"]}, status=201)


@login_required
@require_GET
def download_link(request, report_id):
    reports = LabReport.objects.select_related("lot__consignor")
    if request.user.is_staff:
        report = get_object_or_404(reports, pk=report_id)
    else:
        report = get_object_or_404(reports, pk=report_id, lot__consignor__member=request.user.member)  # ok: SEC018
    url = s3.generate_presigned_url(
        "get_object",
        Params={
            "Bucket": settings.S3_BUCKET,
            "Key": report.s3_key,
            "ResponseContentType": "application/pdf",
            "ResponseContentDisposition": f'attachment; filename="lot-{report.lot.lot_code}-lab.pdf"',
        },
        ExpiresIn=DOWNLOAD_WINDOW_SECONDS,
    )
    return JsonResponse({"url": url, "expires_in": DOWNLOAD_WINDOW_SECONDS})
