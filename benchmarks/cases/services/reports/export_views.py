"""Report export views: build a CSV of report rows and let the owner download it."""
import csv
import logging
import os
from datetime import datetime

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from .models import ReportRow

logger = logging.getLogger(__name__)


@csrf_exempt  # expect: SEC014
@require_POST
@login_required
def create_export(request):
    report_id = request.POST.get("report_id", "")
    region = request.POST.get("region", "")
    rows = ReportRow.objects.raw(  # expect: SEC001, DB002
        f"SELECT * FROM reports_reportrow WHERE report_id = {report_id} AND region = '{region}' "
        f"AND owner_id = {request.user.id} ORDER BY period"
    )
    stamp = datetime.utcnow().strftime("%Y%m%d%H%M%S")
    filename = f"report-{report_id}-{stamp}.csv"
    os.makedirs(settings.EXPORT_DIR, exist_ok=True)
    with open(os.path.join(settings.EXPORT_DIR, filename), "w", newline="") as fh:  # expect: SCL002, SEC015
        writer = csv.writer(fh)
        writer.writerow(["period", "region", "metric", "value"])
        for row in rows.iterator():
            writer.writerow([row.period, row.region, row.metric, row.value])
    logger.info("export %s created for user %s", filename, request.user.id)
    return JsonResponse({"file": filename}, status=201)


@require_GET
@login_required
def download_export(request):
    filename = request.GET.get("file", "")
    path = os.path.join(settings.EXPORT_DIR, filename)
    if not os.path.isfile(path):
        raise Http404("export not found")
    return FileResponse(open(path, "rb"), as_attachment=True, filename=filename)  # expect: SEC015
