"""Clerk dashboards: daily attendance, overdue responses, juror lookup."""
import logging
from datetime import date

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import JsonResponse
from django.views.decorators.http import require_GET

from summons.models import AttendanceRecord, Juror, Summons

logger = logging.getLogger(__name__)


def _juror_label(summons_id):
    s = Summons.objects.select_related("juror").get(pk=summons_id)
    return f"{s.juror.last_name}, {s.juror.first_name} ({s.badge_number})"


def _parse_day(raw):
    try:
        return date.fromisoformat(raw)
    except (TypeError, ValueError):
        return date.today()


@login_required
@require_GET
def daily_attendance(request, court_id):
    assert request.user.is_staff, "clerk access only"  # expect: SEC017
    day = _parse_day(request.GET.get("day"))
    records = AttendanceRecord.objects.filter(summons__court_id=court_id, day=day).order_by("checked_in_at")
    rows = []
    for rec in records:
        rows.append({
            "juror": _juror_label(rec.summons_id),  # expect: DB001
            "checked_in_at": rec.checked_in_at.strftime("%H:%M"),
            "kiosk": rec.kiosk_id,
        })
    return JsonResponse({"court": court_id, "day": day.isoformat(), "attendance": rows})


@login_required
@require_GET
def overdue_responses(request):
    if not request.user.is_staff:
        return JsonResponse({"error": "forbidden"}, status=403)
    overdue = (
        Summons.objects.filter(status=Summons.Status.MAILED, response_deadline__lt=date.today())
        .order_by("response_deadline")
        .values("badge_number", "service_date", "response_deadline", "court__name")
    )
    logger.info("overdue report requested by user=%s", request.user.pk)
    return JsonResponse({"results": list(overdue)})  # expect: DB002


@login_required
@require_GET
def juror_lookup(request):
    if not request.user.is_staff:
        return JsonResponse({"error": "forbidden"}, status=403)
    q = (request.GET.get("q") or "").strip()
    if len(q) < 3:
        return JsonResponse({"error": "query must be at least 3 characters"}, status=400)
    matches = (
        Juror.objects.filter(Q(last_name__icontains=q) | Q(email__icontains=q))  # expect: DB006
        .order_by("last_name", "first_name")[:25]
    )
    return JsonResponse({
        "results": [
            {"id": j.pk, "name": f"{j.last_name}, {j.first_name}", "county": j.county}
            for j in matches
        ]
    })
