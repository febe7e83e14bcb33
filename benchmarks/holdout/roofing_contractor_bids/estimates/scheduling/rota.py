"""Crew rota: bookings are serialised per crew with a row lock."""
import logging
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

import httpx
from django.conf import settings
from django.contrib.admin.views.decorators import staff_member_required
from django.db import transaction
from django.db.models import F, Sum
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_POST

from estimates.models import Bid, Crew, CrewAssignment

logger = logging.getLogger(__name__)


def notify_crew_lead(phone, bid_id, work_date):
    try:
        resp = httpx.post(
            settings.SMS_API_URL,
            json={"to": phone, "text": f"Job {bid_id} booked for {work_date:%a %d %b}"},
            headers={"Authorization": f"Bearer {settings.SMS_API_KEY}"},
            timeout=5.0,
        )
        resp.raise_for_status()
    except httpx.HTTPError:  # ok: ERR001
        logger.warning("could not text crew lead about bid %s", bid_id, exc_info=True)


def _week_of(day):
    monday = day - timedelta(days=day.weekday())
    return monday, monday + timedelta(days=6)


@staff_member_required
@require_POST
def book_crew(request, bid_id):
    try:
        work_date = date.fromisoformat(request.POST["work_date"])
        hours = Decimal(request.POST.get("hours", "8"))
    except (KeyError, ValueError, InvalidOperation):
        return JsonResponse({"error": "work_date and hours are required"}, status=400)
    bid = get_object_or_404(Bid, pk=bid_id, status=Bid.Status.ACCEPTED)

    with transaction.atomic():
        crew = get_object_or_404(Crew.objects.select_for_update(), pk=request.POST.get("crew_id"))
        if CrewAssignment.objects.filter(crew=crew, work_date=work_date).exists():
            return JsonResponse({"error": "crew_already_booked"}, status=409)
        monday, sunday = _week_of(work_date)
        week_hours = (CrewAssignment.objects.filter(crew=crew, work_date__range=(monday, sunday))
                      .aggregate(total=Sum("hours"))["total"] or Decimal("0"))
        if week_hours + hours > crew.weekly_hours_capacity:
            return JsonResponse({"error": "crew_over_capacity"}, status=409)
        assignment = CrewAssignment.objects.create(crew=crew, bid=bid, work_date=work_date, hours=hours)  # ok: DB005
        Crew.objects.filter(pk=crew.pk).update(hours_booked=F("hours_booked") + hours)  # ok: DB004
        phone = crew.lead_phone
        transaction.on_commit(lambda: notify_crew_lead(phone, bid.pk, work_date))

    logger.info("crew %s booked on bid %s for %s", crew.pk, bid.pk, work_date)
    return JsonResponse({"id": assignment.pk, "crew": crew.name, "work_date": work_date.isoformat()}, status=201)


@staff_member_required
def rota(request):
    try:
        monday, sunday = _week_of(date.fromisoformat(request.GET.get("week", "")))
    except ValueError:
        monday, sunday = _week_of(date.today())
    jobs = (
        CrewAssignment.objects.filter(work_date__range=(monday, sunday))
        .select_related("crew", "bid__quote")
        .order_by("work_date", "crew__name")
    )
    days = {monday + timedelta(days=i): [] for i in range(7)}
    for job in jobs:
        days[job.work_date].append({"crew": job.crew.name,  # ok: DB001
                                    "postcode": job.bid.quote.site_postcode,
                                    "hours": str(job.hours)})
    return render(request, "scheduling/rota.html", {"start": monday, "days": days})
