"""Water meter readings: site reps upload the CSV from their monthly meter round."""
import csv
import io
import logging
import os
from datetime import date
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.contrib.auth.decorators import permission_required
from django.db import transaction
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.http import require_POST

from garden.models import MeterReading, Plot

log = logging.getLogger(__name__)

REQUIRED_COLUMNS = {"plot", "read_on", "reading_m3"}
MAX_REPORTED_ERRORS = 50


def _parse_row(row):
    reading = Decimal(row["reading_m3"].strip())
    if reading < 0:
        raise ValueError("negative reading")
    return date.fromisoformat(row["read_on"].strip()), reading


@permission_required("garden.add_meterreading", raise_exception=True)
@require_POST
def upload_readings(request):
    upload = request.FILES.get("readings")
    site_code = request.POST.get("site", "").strip()
    if upload is None or not site_code:
        return JsonResponse({"error": "a site and a readings file are required"}, status=400)

    raw = upload.read()  # expect: RES003, SEC019
    target_dir = os.path.join(settings.METER_UPLOAD_ROOT, site_code)
    os.makedirs(target_dir, exist_ok=True)
    archived_as = f"{timezone.now():%Y%m%dT%H%M%S}-{request.user.pk}.csv"
    with open(os.path.join(target_dir, archived_as), "wb") as fh:  # expect: SEC015, SCL002
        fh.write(raw)

    try:
        reader = csv.DictReader(io.StringIO(raw.decode("utf-8-sig")))
    except UnicodeDecodeError:
        return JsonResponse({"error": "the file must be UTF-8 CSV"}, status=400)
    if not REQUIRED_COLUMNS.issubset(reader.fieldnames or []):
        return JsonResponse({"error": f"columns must include {sorted(REQUIRED_COLUMNS)}"}, status=400)

    plots = {p.number: p for p in Plot.objects.filter(site__code=site_code)}
    if not plots:
        return JsonResponse({"error": f"unknown site {site_code}"}, status=404)

    created = updated = 0
    errors = []
    with transaction.atomic():
        for line_no, row in enumerate(reader, start=2):
            plot = plots.get((row.get("plot") or "").strip())
            if plot is None:
                errors.append(f"line {line_no}: unknown plot {row.get('plot')!r}")
                continue
            try:
                read_on, reading = _parse_row(row)
            except (InvalidOperation, ValueError, AttributeError):
                errors.append(f"line {line_no}: bad date or reading")
                continue
            _, was_created = MeterReading.objects.update_or_create(
                plot=plot, read_on=read_on,
                defaults={"reading_m3": reading, "uploaded_by": request.user})
            created += was_created
            updated += not was_created

    log.info("meter upload %s for site %s: %s created, %s updated, %s errors",
             archived_as, site_code, created, updated, len(errors))
    return JsonResponse({"created": created, "updated": updated,
                         "errors": errors[:MAX_REPORTED_ERRORS], "error_count": len(errors)})
