"""Office staff put crews on accepted jobs and see the week at a glance."""
import logging
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

import httpx
from django.conf import settings
from django.contrib.admin.views.decorators import staff_member_required
from django.db.models import F
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_POST

from estimates.models import Bid, Crew, CrewAssignment

logger = logging.getLogger(__name__)


def _text_crew_lead(crew, assignment):
    try:
        httpx.post(
            settings.SMS_API_URL,
            json={"to": crew.lead_phone,
                  "text": f"Job {assignment.bid_id} booked for {assignment.work_date:%a %d %b}"},
            headers={"Authorization": f"Bearer {settings.SMS_API_KEY}"},
            timeout=5.0,
        )
    except Exception:  # expect: ERR001
        pass


@staff_member_required
@require_POST
def assign_crew(request, bid_id):
    bid = get_object_or_404(Bid, pk=bid_id, status=Bid.Status.ACCEPTED)
    crew = get_object_or_404(Crew, pk=request.POST.get("crew_id"))
    try:
        work_date = date.fromisoformat(request.POST["work_date"])
        hours = Decimal(request.POST.get("hours", "8"))
    except (KeyError, ValueError, InvalidOperation):
        return JsonResponse({"error": "work_date and hours are required"}, status=400)

    if CrewAssignment.objects.filter(crew=crew, work_date=work_date).exists():
        return JsonResponse({"error": "crew_already_booked"}, status=409)
    if crew.hours_booked + hours > crew.weekly_hours_capacity:
        return JsonResponse({"error": "crew_over_capacity"}, status=409)

    assignment = CrewAssignment.objects.create(  # expect: DB005
        crew=crew, bid=bid, work_date=work_date, hours=hours
    )
    crew.hours_booked += hours
    crew.save(update_fields=["hours_booked"])  # expect: DB004
    _text_crew_lead(crew, assignment)
    logger.info("crew %s assigned to bid %s on %s", crew.pk, bid.pk, work_date)
    return JsonResponse({"id": assignment.pk, "crew": crew.name, "work_date": work_date.isoformat()}, status=201)


@staff_member_required
def week_view(request):
    try:
        start = date.fromisoformat(request.GET.get("week", ""))
    except ValueError:
        today = date.today()
        start = today - timedelta(days=today.weekday())
    end = start + timedelta(days=6)
    assignments = CrewAssignment.objects.filter(work_date__range=(start, end)).order_by("work_date", "crew_id")
    days = {start + timedelta(days=i): [] for i in range(7)}
    for job in assignments:
        days[job.work_date].append({
            "crew": job.crew.name,  # expect: DB001
            "postcode": job.bid.quote.site_postcode,
            "hours": str(job.hours),
        })
    return render(request, "scheduling/week.html", {"start": start, "days": days})


@staff_member_required
@require_POST
def cancel_assignment(request, assignment_id):
    assignment = get_object_or_404(CrewAssignment.objects.select_related("crew"), pk=assignment_id)
    Crew.objects.filter(pk=assignment.crew_id).update(hours_booked=F("hours_booked") - assignment.hours)  # ok: DB004
    assignment.delete()
    logger.info("assignment %s cancelled", assignment_id)
    return JsonResponse({"cancelled": assignment_id})
