"""Staff screens: classroom roster, check-in and check-out."""
import logging

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from alerts.tasks import send_pickup_alert
from billing.models import BillingAccount

from .models import AttendanceRecord, Child, Classroom

logger = logging.getLogger(__name__)


def _staff_center(request):
    staff = getattr(request.user, "staff", None)
    if staff is None:
        raise PermissionDenied("staff only")
    return staff.center


@login_required
def classroom_roster(request, classroom_id):
    center = _staff_center(request)
    classroom = get_object_or_404(Classroom, pk=classroom_id, center=center)
    children = classroom.children.filter(active=True).order_by("last_name", "first_name")
    open_visits = {
        visit.child_id: visit
        for visit in AttendanceRecord.objects.filter(classroom=classroom, checked_out_at__isnull=True)
    }
    rows = []
    for child in children:
        pickups = [g.full_name for g in child.family.guardians.filter(is_authorized_pickup=True)]  # expect: DB001
        rows.append({"child": child, "visit": open_visits.get(child.id), "pickups": pickups})
    return render(request, "attendance/roster.html", {"classroom": classroom, "rows": rows})


@login_required
@require_POST
def check_in(request, child_id):
    center = _staff_center(request)
    child = get_object_or_404(Child, pk=child_id, classroom__center=center, active=True)
    if AttendanceRecord.objects.filter(child=child, checked_out_at__isnull=True).exists():  # expect: DB005
        return JsonResponse({"error": "already checked in"}, status=409)
    visit = AttendanceRecord.objects.create(
        child=child,
        classroom=child.classroom,
        checked_in_at=timezone.now(),
        checked_in_by=request.user,
    )
    logger.info("child %s checked in (visit %s) by staff %s", child.id, visit.id, request.user.id)
    return JsonResponse({"visit_id": visit.id, "checked_in_at": visit.checked_in_at.isoformat()}, status=201)


@login_required
@require_POST
def check_out(request, child_id):
    center = _staff_center(request)
    child = get_object_or_404(
        Child.objects.select_related("classroom", "family"), pk=child_id, classroom__center=center
    )
    visit = (
        AttendanceRecord.objects.filter(child=child, checked_out_at__isnull=True)
        .order_by("-checked_in_at")
        .first()
    )
    if visit is None:
        return JsonResponse({"error": "child is not checked in"}, status=409)
    guardian = get_object_or_404(
        child.family.guardians, pk=request.POST.get("guardian_id"), is_authorized_pickup=True
    )

    now = timezone.now()
    visit.checked_out_at = now
    visit.checked_out_by = request.user
    visit.picked_up_by = guardian
    visit.save(update_fields=["checked_out_at", "checked_out_by", "picked_up_by"])

    if timezone.localtime(now).time() > child.classroom.closes_at:
        account = BillingAccount.objects.get(family=child.family)
        account.balance += settings.LATE_PICKUP_FEE  # expect: DB004
        account.save(update_fields=["balance"])
        visit.late_fee_applied = True
        visit.save(update_fields=["late_fee_applied"])
        logger.info("late pickup fee for child %s (visit %s)", child.id, visit.id)

    send_pickup_alert.delay(visit.id)
    return JsonResponse({"visit_id": visit.id, "checked_out_at": now.isoformat(),
                         "late_fee": visit.late_fee_applied})
