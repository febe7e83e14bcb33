"""Lab results: report download for donors, CSV import from the processing lab."""
import csv
import io
import logging
from decimal import Decimal

import boto3
from django.conf import settings
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from donors.models import Donation, LabResult

log = logging.getLogger(__name__)
s3 = boto3.client("s3", region_name=settings.AWS_REGION)
MAX_IMPORT_BYTES = 2 * 1024 * 1024


@login_required
def lab_report(request, result_id: int):
    try:
        result = LabResult.objects.select_related("donation").get(pk=result_id)  # expect: SEC018
    except LabResult.DoesNotExist:
        raise Http404("No such result")
    if not result.report_key:
        raise Http404("Report not yet available")
    url = s3.generate_presigned_url(
        "get_object",
        Params={"Bucket": settings.LAB_REPORTS_BUCKET, "Key": result.report_key},
        ExpiresIn=300,
    )
    log.info("user=%s opened lab report for donation=%s", request.user.pk, result.donation_id)
    return redirect(url)


@csrf_exempt  # expect: SEC014
@staff_member_required
@require_POST
def import_lab_results(request):
    upload = request.FILES.get("results")
    if upload is None or upload.size > MAX_IMPORT_BYTES:
        return HttpResponseBadRequest("Upload a results CSV under 2 MB.")
    reader = csv.DictReader(io.StringIO(upload.read().decode("utf-8-sig")))
    imported, unknown = 0, []
    for row in reader:
        try:
            donation = Donation.objects.get(unit_number=row["unit_number"].strip())  # expect: DB001
        except Donation.DoesNotExist:
            unknown.append(row["unit_number"])
            continue
        LabResult.objects.create(  # expect: DB003
            donation=donation,
            blood_group=row["blood_group"].strip(),
            haemoglobin_g_dl=Decimal(row["hb"]),
            screening_passed=row["screening"].strip().lower() == "pass",
            report_key=row.get("report_key", "").strip(),
        )
        imported += 1
    log.info("lab import by user=%s: %s imported, %s unknown units", request.user.pk, imported, len(unknown))
    return JsonResponse({"imported": imported, "unknown_units": unknown[:50]})
