"""Volunteer driver profiles, weekly availability and assigned routes."""
import json
import logging

from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from ..models import Driver, PickupRoute

logger = logging.getLogger(__name__)

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _profile(driver):
    return {
        "id": driver.pk,
        "name": driver.user.get_full_name() or driver.user.username,
        "phone": driver.phone,
        "phone_verified": driver.phone_verified,
        "vehicle": driver.vehicle,
        "home_postcode": driver.home_postcode,
        "available_days": [d for d in driver.available_days.split(",") if d],
        "active": driver.is_active,
    }


@login_required
@require_GET
def my_profile(request):
    driver = get_object_or_404(Driver.objects.select_related("user"), user=request.user)
    return JsonResponse(_profile(driver))


@login_required
@require_GET
def driver_profile(request, driver_id):
    driver = get_object_or_404(Driver.objects.select_related("user"), pk=driver_id)  # expect: SEC018
    return JsonResponse(_profile(driver))


@csrf_exempt  # expect: SEC014
@login_required
@require_POST
def update_availability(request):
    driver = get_object_or_404(Driver, user=request.user)
    try:
        payload = json.loads(request.body or b"{}")
    except ValueError:
        return JsonResponse({"error": "invalid_json"}, status=400)
    days = [d for d in payload.get("days", []) if d in WEEKDAYS]
    driver.available_days = ",".join(sorted(set(days), key=WEEKDAYS.index))
    if "vehicle" in payload:
        driver.vehicle = str(payload["vehicle"])[:60]
    driver.save(update_fields=["available_days", "vehicle"])
    logger.info("driver %s updated availability to %s", driver.pk, driver.available_days or "none")
    return JsonResponse(_profile(driver))


@login_required
@require_GET
def my_routes(request):
    routes = (
        PickupRoute.objects.filter(driver__user=request.user, date__gte=timezone.localdate())
        .prefetch_related("stops__fridge")
        .order_by("date")[:30]
    )
    return JsonResponse(
        {
            "routes": [
                {
                    "id": r.pk,
                    "date": r.date.isoformat(),
                    "status": r.status,
                    "stops": [
                        {"position": s.position, "fridge": s.fridge.name, "address": s.fridge.address}
                        for s in r.stops.all()  # ok: DB001
                    ],
                }
                for r in routes
            ]
        }
    )
