import logging
import uuid

import boto3
from botocore.exceptions import BotoCoreError, ClientError
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_POST

from inventory.models import HazardReport, Reagent

logger = logging.getLogger(__name__)
s3 = boto3.client("s3", region_name=settings.AWS_REGION)


@login_required
@require_POST
def file_hazard_report(request, reagent_id: int):
    reagent = get_object_or_404(Reagent, pk=reagent_id)
    severity = request.POST.get("severity", "")
    if severity not in ("low", "medium", "high"):
        return JsonResponse({"error": "severity must be low, medium or high"}, status=400)

    attachment_key = ""
    upload = request.FILES.get("attachment")
    if upload is not None:
        attachment_key = f"hazard/{reagent.id}/{uuid.uuid4().hex}"
        body = upload.read()  # expect: SEC019
        try:
            s3.put_object(Bucket=settings.AWS_STORAGE_BUCKET, Key=attachment_key, Body=body,
                          ContentType="application/octet-stream", ContentDisposition="attachment")
        except (BotoCoreError, ClientError):
            logger.exception("attachment upload failed", extra={"reagent_id": reagent.id})
            attachment_key = ""

    report = HazardReport.objects.create(
        reagent=reagent,
        reported_by=request.user,
        severity=severity,
        description=request.POST.get("description", "")[:5000],
        attachment_key=attachment_key,
    )
    logger.info("hazard report filed", extra={"report_id": report.id, "reagent_id": reagent.id,
                                              "user_id": request.user.id})
    return JsonResponse({"id": report.id}, status=201)


@login_required
@require_GET
def hazard_report_page(request, report_id: int):
    report = get_object_or_404(HazardReport.objects.select_related("reagent", "reported_by"), pk=report_id)
    html = (
        f"<h1>Hazard report #{report.id}</h1>"
        f"<p>Reagent: {escape(report.reagent.name)}</p>"  # ok: SEC016
        f"<p>Severity: {escape(report.severity)}</p>"
        f"<div class='description'>{mark_safe(report.description)}</div>"  # expect: SEC016
    )
    return HttpResponse(html)


@login_required
@require_GET
def hazard_attachment(request, report_id: int):
    report = get_object_or_404(HazardReport, pk=report_id)
    if not report.attachment_key:
        return JsonResponse({"error": "no attachment"}, status=404)
    url = s3.generate_presigned_url(
        "get_object",
        Params={"Bucket": settings.AWS_STORAGE_BUCKET, "Key": report.attachment_key},  # ok: SEC015
        ExpiresIn=300,
    )
    return JsonResponse({"url": url})
