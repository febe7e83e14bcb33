"""Courthouse kiosk check-in for jurors reporting for service."""
import logging
from datetime import date

from django.contrib.auth.decorators import permission_required
from django.core.paginator import Paginator
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from summons.models import AttendanceRecord, Summons

logger = logging.getLogger(__name__)

CHECKIN_STATUSES = (Summons.Status.RESPONDED, Summons.Status.REPORTED, Summons.Status.SEATED)


@permission_required("summons.add_attendancerecord", raise_exception=True)
@require_POST
def kiosk_checkin(request):
    badge = (request.POST.get("badge") or "").strip().upper()
    kiosk_id = request.headers.get("X-Kiosk-Id", "")
    today = timezone.localdate()
    if not badge:
        return JsonResponse({"error": "badge is required"}, status=400)

    with transaction.atomic():
        summons = (
            Summons.objects.select_for_update()
            .filter(badge_number=badge, status__in=CHECKIN_STATUSES)
            .first()
        )
        if summons is None:
            return JsonResponse({"error": "no active summons for this badge"}, status=404)
        try:
            with transaction.atomic():
                AttendanceRecord.objects.create(summons=summons, day=today, kiosk_id=kiosk_id)  # ok: DB005
        except IntegrityError:
            return JsonResponse({"status": "already_checked_in", "badge": badge})

        Summons.objects.filter(pk=summons.pk).update(  # ok: DB004
            days_served=F("days_served") + 1,
            status=Summons.Status.REPORTED if summons.status == Summons.Status.RESPONDED else summons.status,
        )

    logger.info("checkin badge=%s summons=%s kiosk=%s day=%s", badge, summons.pk, kiosk_id, today)
    return JsonResponse({"status": "checked_in", "badge": badge}, status=201)


@permission_required("summons.view_attendancerecord", raise_exception=True)
@require_GET
def attendance_for_day(request, court_id):
    try:
        day = date.fromisoformat(request.GET.get("day", ""))
    except ValueError:
        day = timezone.localdate()
    records = (
        AttendanceRecord.objects.filter(summons__court_id=court_id, day=day)
        .select_related("summons__juror")
        .order_by("checked_in_at")
    )
    page = Paginator(records, 100).get_page(request.GET.get("page"))  # ok: DB002
    return JsonResponse({
        "day": day.isoformat(),
        "page": page.number,
        "pages": page.paginator.num_pages,
        "results": [
            {
                "badge": r.summons.badge_number,
                "name": f"{r.summons.juror.last_name}, {r.summons.juror.first_name}",
                "checked_in_at": r.checked_in_at.isoformat(),
            }
            for r in page.object_list
        ],
    })
