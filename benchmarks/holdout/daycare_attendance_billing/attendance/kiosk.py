"""Front-door tablet check-in and check-out.

Tablets send their device token in the X-Kiosk-Token header; they hold no
session cookie, so these views do not use Django's CSRF cookie check.
"""
import hashlib
import logging

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from alerts.tasks import send_pickup_alert
from billing.models import BillingAccount

from .models import AttendanceRecord, Child, KioskDevice

logger = logging.getLogger(__name__)


def _device_for(request):
    raw = request.headers.get("X-Kiosk-Token", "")
    if len(raw) < 32:
        return None
    digest = hashlib.sha256(raw.encode()).hexdigest()  # ok: SEC009
    return KioskDevice.objects.select_related("center").filter(token_sha256=digest, active=True).first()


@csrf_exempt  # ok: SEC014
@require_POST
def kiosk_check_in(request, child_id):
    device = _device_for(request)
    if device is None:
        return JsonResponse({"error": "unknown device"}, status=401)
    with transaction.atomic():
        child = (
            Child.objects.select_for_update()
            .filter(pk=child_id, classroom__center=device.center, active=True)
            .first()
        )
        if child is None:
            return JsonResponse({"error": "child not found"}, status=404)
        if AttendanceRecord.objects.filter(child=child, checked_out_at__isnull=True).exists():  # ok: DB005
            return JsonResponse({"error": "already checked in"}, status=409)
        visit = AttendanceRecord.objects.create(
            child=child, classroom_id=child.classroom_id, checked_in_at=timezone.now(), kiosk=device
        )
    logger.info("child %s checked in at kiosk %s (visit %s)", child.id, device.id, visit.id)
    return JsonResponse({"visit_id": visit.id}, status=201)


@csrf_exempt  # ok: SEC014
@require_POST
def kiosk_check_out(request, child_id):
    device = _device_for(request)
    if device is None:
        return JsonResponse({"error": "unknown device"}, status=401)
    now = timezone.now()
    with transaction.atomic():
        visit = (
            AttendanceRecord.objects.select_for_update()
            .select_related("classroom", "child")
            .filter(child_id=child_id, classroom__center=device.center, checked_out_at__isnull=True)
            .first()
        )
        if visit is None:
            return JsonResponse({"error": "child is not checked in"}, status=409)
        guardian = visit.child.family.guardians.filter(
            pk=request.POST.get("guardian_id"), is_authorized_pickup=True
        ).first()
        if guardian is None:
            return JsonResponse({"error": "not an authorized pickup"}, status=403)

        visit.checked_out_at = now
        visit.picked_up_by = guardian
        if timezone.localtime(now).time() > visit.classroom.closes_at:
            BillingAccount.objects.filter(family_id=visit.child.family_id).update(
                balance=F("balance") + settings.LATE_PICKUP_FEE  # ok: DB004
            )
            visit.late_fee_applied = True
        visit.save(update_fields=["checked_out_at", "picked_up_by", "late_fee_applied"])
        transaction.on_commit(lambda: send_pickup_alert.delay(visit.id))
    logger.info("child %s checked out at kiosk %s (visit %s)", child_id, device.id, visit.id)
    return JsonResponse({"visit_id": visit.id, "late_fee": visit.late_fee_applied})
