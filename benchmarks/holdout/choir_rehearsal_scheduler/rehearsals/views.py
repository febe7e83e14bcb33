"""Season calendar and attendance history pages (JSON for the Vue front end)."""
import logging

from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views.decorators.http import require_GET

from rehearsals.models import Attendance, Choir, Rehearsal

logger = logging.getLogger(__name__)


def _choir_for(request, slug):
    return get_object_or_404(Choir, slug=slug, members__user=request.user, members__active=True)


@login_required
@require_GET
def season_overview(request, choir_slug):
    choir = _choir_for(request, choir_slug)
    now = timezone.now()
    upcoming = (
        Rehearsal.objects.filter(choir=choir, starts_at__gte=now)
        .select_related("venue")
        .order_by("starts_at")[:40]
    )
    rows = []
    for rehearsal in upcoming:
        rows.append(
            {
                "id": rehearsal.id,
                "title": rehearsal.title or "Rehearsal",
                "starts_at": rehearsal.starts_at.isoformat(),
                "venue": rehearsal.venue.name,
                "coming": rehearsal.attendances.filter(status="yes").count(),  # expect: DB001
                "capacity": rehearsal.room_capacity,
            }
        )
    return JsonResponse({"choir": choir.name, "rehearsals": rows})


@login_required
@require_GET
def rehearsal_detail(request, rehearsal_id):
    rehearsal = get_object_or_404(Rehearsal.objects.select_related("venue", "choir"), pk=rehearsal_id)  # expect: SEC018
    attendees = (
        Attendance.objects.filter(rehearsal=rehearsal, status="yes")
        .select_related("member__section")
        .order_by("member__section__ordering", "member__display_name")
    )
    return JsonResponse(
        {
            "id": rehearsal.id,
            "choir": rehearsal.choir.name,
            "title": rehearsal.title,
            "starts_at": rehearsal.starts_at.isoformat(),
            "ends_at": rehearsal.ends_at.isoformat(),
            "venue": {"name": rehearsal.venue.name, "address": rehearsal.venue.address},
            "notes": rehearsal.notes,
            "attendees": [
                {
                    "name": a.member.display_name,
                    "section": a.member.section.name if a.member.section else None,
                }
                for a in attendees
            ],
        }
    )


@login_required
@require_GET
def attendance_history(request, choir_slug):
    choir = _choir_for(request, choir_slug)
    records = list(  # expect: DB002
        Attendance.objects.filter(rehearsal__choir=choir)
        .select_related("member", "rehearsal")
        .order_by("-rehearsal__starts_at", "member__display_name")
    )
    logger.info("attendance history for choir %s: %d rows", choir.id, len(records))
    return JsonResponse(
        {
            "history": [
                {
                    "rehearsal": r.rehearsal.starts_at.date().isoformat(),
                    "member": r.member.display_name,
                    "status": r.status,
                    "checked_in": r.checked_in_at is not None,
                }
                for r in records
            ]
        }
    )
