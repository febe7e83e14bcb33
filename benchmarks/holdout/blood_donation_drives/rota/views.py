"""Staff rota: open shifts, claiming a shift, and coverage against staffing rules."""
import logging
from datetime import timedelta

from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views.decorators.http import require_POST

from donors.models import Drive, Shift, StaffingRule

log = logging.getLogger(__name__)
ROLES = ("nurse", "phlebotomist", "driver", "coordinator")


def _hours(shift: Shift) -> float:
    return (shift.ends_at - shift.starts_at).total_seconds() / 3600


@login_required
def open_shifts(request):
    upcoming = (
        Shift.objects.filter(assigned_to__isnull=True, starts_at__gte=timezone.now())
        .select_related("drive")
        .order_by("starts_at")[:100]
    )
    return JsonResponse({"shifts": [
        {"id": s.pk, "role": s.role, "drive": s.drive.name, "starts_at": s.starts_at.isoformat(), "hours": _hours(s)}
        for s in upcoming
    ]})


@login_required
@require_POST
def claim_shift(request, shift_id: int):
    assert hasattr(request.user, "staff"), "only staff members can claim shifts"  # expect: SEC017
    staff = request.user.staff
    shift = get_object_or_404(Shift, pk=shift_id)
    if shift.assigned_to_id is not None:
        return JsonResponse({"error": "shift already taken"}, status=409)
    if shift.role != staff.role:
        return JsonResponse({"error": f"shift needs a {shift.role}"}, status=403)

    week_start = shift.starts_at - timedelta(days=shift.starts_at.weekday())
    week = Shift.objects.filter(assigned_to=staff, starts_at__gte=week_start, starts_at__lt=week_start + timedelta(days=7))
    booked_hours = sum(_hours(s) for s in week)
    if booked_hours + _hours(shift) > staff.max_hours_week:
        return JsonResponse({"error": "this would exceed your weekly hours"}, status=409)

    shift.assigned_to = staff
    shift.save(update_fields=["assigned_to"])  # expect: DB005
    log.info("staff=%s claimed shift=%s", staff.pk, shift.pk)
    return JsonResponse({"id": shift.pk, "assigned_to": staff.pk})


@staff_member_required
def drive_coverage(request, drive_id: int):
    drive = get_object_or_404(Drive, pk=drive_id)
    staffed = Shift.objects.filter(drive=drive, assigned_to__isnull=False)
    counts = {role: staffed.filter(role=role).count() for role in ROLES}  # ok: DB001
    results = []
    for rule in StaffingRule.objects.filter(active=True).order_by("name"):
        try:
            met = bool(eval(rule.expression, {"__builtins__": {}}, dict(counts)))  # expect: SEC003
        except Exception as exc:
            log.error(f"staffing rule {rule.pk} could not be evaluated: {exc}")  # expect: OBS002
            met = False
        results.append({"rule": rule.name, "met": met})
    return JsonResponse({"drive": drive.pk, "counts": counts, "rules": results})
