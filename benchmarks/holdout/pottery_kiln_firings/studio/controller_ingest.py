"""Controller API v2: firing logs are kept in object storage and summarised row by row."""
import csv
import hashlib
import io
import logging
import uuid

import yaml
from django.core.files.storage import default_storage
from django.db import transaction
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from .firing_logs import controller_authorised
from .models import Firing, FiringLog, Kiln

logger = logging.getLogger(__name__)

MAX_LOG_BYTES = 20 * 1024 * 1024
MAX_SCHEDULE_BYTES = 64 * 1024


def _summarise_stream(fileobj):
    """Peak temperature and duration, reading the CSV one row at a time."""
    fileobj.seek(0)
    text = io.TextIOWrapper(fileobj, encoding="utf-8", errors="replace", newline="")
    peak, minutes = None, 0
    try:
        for row in csv.DictReader(text):
            temp = float(row["temp_c"])
            peak = temp if peak is None else max(peak, temp)
            minutes = int(row["minute"])
    finally:
        text.detach()
    return peak, minutes


@csrf_exempt  # ok: SEC014
@require_POST
def ingest_firing_log(request, kiln_id, firing_id):
    kiln = get_object_or_404(Kiln, pk=kiln_id)
    if not controller_authorised(request, kiln):
        return JsonResponse({"error": "unknown controller"}, status=403)
    firing = get_object_or_404(Firing, pk=firing_id, kiln=kiln)

    upload = request.FILES.get("log")
    if upload is None:
        return JsonResponse({"error": "missing log file"}, status=400)
    if upload.size > MAX_LOG_BYTES:
        return JsonResponse({"error": "log too large"}, status=413)

    digest = hashlib.sha256()  # ok: SEC009
    for chunk in upload.chunks():
        digest.update(chunk)
    try:
        peak, minutes = _summarise_stream(upload.file)
    except (KeyError, ValueError):
        return JsonResponse({"error": "log must have minute and temp_c columns"}, status=400)

    schedule = {}
    sched = request.FILES.get("schedule")
    if sched is not None:
        if sched.size > MAX_SCHEDULE_BYTES:
            return JsonResponse({"error": "schedule too large"}, status=413)
        try:
            schedule = yaml.safe_load(sched.read()) or {}  # ok: SEC004, SEC019
        except yaml.YAMLError:
            return JsonResponse({"error": "schedule is not valid YAML"}, status=400)

    upload.seek(0)
    name = default_storage.save(f"firing-logs/{kiln.pk}/{firing.pk}/{uuid.uuid4().hex}.csv", upload)  # ok: SCL002
    with transaction.atomic():
        log = FiringLog.objects.create(
            firing=firing, file=name, schedule=schedule, peak_temp_c=peak, duration_minutes=minutes
        )
        Firing.objects.filter(pk=firing.pk).update(status="fired")
    logger.info("firing log %s (sha256 %s) stored for firing %s, kiln %s", log.pk, digest.hexdigest()[:12], firing.pk, kiln.pk)
    return JsonResponse({"log": log.pk, "peak_temp_c": peak, "duration_minutes": minutes}, status=201)
