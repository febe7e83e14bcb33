"""Controller API v1: a kiln controller uploads its firing log when a firing ends.

The log is a CSV of thermocouple readings (minute,temp_c); newer firmware also
sends the programmed schedule as YAML.
"""
import csv
import hmac
import io
import logging
import os

import yaml
from django.conf import settings
from django.contrib.admin.views.decorators import staff_member_required
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from .models import Firing, FiringLog, Kiln

logger = logging.getLogger(__name__)

_last_upload = {}


def controller_authorised(request, kiln):
    supplied = request.headers.get("X-Controller-Key", "")
    expected = settings.CONTROLLER_KEYS.get(kiln.controller_id, "")
    return bool(expected) and hmac.compare_digest(supplied, expected)


def summarise(readings):
    peak = max((temp for _, temp in readings), default=None)
    minutes = readings[-1][0] if readings else 0
    return peak, minutes


@csrf_exempt  # ok: SEC014
@require_POST
def upload_firing_log(request, kiln_id, firing_id):
    kiln = get_object_or_404(Kiln, pk=kiln_id)
    if not controller_authorised(request, kiln):
        return JsonResponse({"error": "unknown controller"}, status=403)
    firing = get_object_or_404(Firing, pk=firing_id, kiln=kiln)
    upload = request.FILES.get("log")
    if upload is None:
        return JsonResponse({"error": "missing log file"}, status=400)

    raw = upload.read()  # expect: SEC019, RES003
    dest_dir = os.path.join(settings.FIRING_LOG_DIR, str(kiln.pk))
    os.makedirs(dest_dir, exist_ok=True)
    dest_path = os.path.join(dest_dir, upload.name)  # expect: SEC015
    with open(dest_path, "wb") as fh:  # expect: SCL002
        fh.write(raw)

    reader = csv.DictReader(io.StringIO(raw.decode("utf-8", errors="replace")))
    try:
        readings = [(int(row["minute"]), float(row["temp_c"])) for row in reader]
    except (KeyError, ValueError):
        return JsonResponse({"error": "log must have minute and temp_c columns"}, status=400)
    peak, minutes = summarise(readings)

    schedule = {}
    if "schedule" in request.FILES:
        schedule = yaml.load(request.FILES["schedule"].read(), Loader=yaml.Loader) or {}  # expect: SEC004, SEC019

    log = FiringLog.objects.create(
        firing=firing,
        stored_path=dest_path,
        schedule=schedule,
        peak_temp_c=peak,
        duration_minutes=minutes,
    )
    Firing.objects.filter(pk=firing.pk).update(status="fired")
    _last_upload[kiln.controller_id] = {"at": timezone.now().isoformat(), "firing": firing.pk}  # expect: CON002, SCL001
    logger.info("firing log %s stored for firing %s (kiln %s, peak %s C)", log.pk, firing.pk, kiln.pk, peak)
    return JsonResponse({"log": log.pk, "peak_temp_c": peak, "duration_minutes": minutes}, status=201)


@staff_member_required
@require_GET
def controller_status(request):
    kilns = Kiln.objects.order_by("name").values("pk", "name", "controller_id")
    return JsonResponse({"controllers": [
        {"kiln": k["name"], "controller": k["controller_id"], "last_upload": _last_upload.get(k["controller_id"])}
        for k in kilns
    ]})
