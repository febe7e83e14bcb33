"""Location pings from the driver app and live shuttle tracking for riders."""
import json
import logging

from django.contrib.auth.decorators import login_required, permission_required
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from bookings.models import Booking, Driver

log = logging.getLogger(__name__)

_last_seen: dict[int, dict] = {}


def _coords(data: dict) -> tuple[float, float]:
    lat, lon = float(data["lat"]), float(data["lon"])
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise ValueError("coordinates out of range")
    return round(lat, 6), round(lon, 6)


@login_required
@require_POST
def ping(request):
    driver = get_object_or_404(Driver, user=request.user, active=True)  # ok: SEC018
    try:
        data = json.loads(request.body)
        lat, lon = _coords(data)
    except (ValueError, KeyError, TypeError):
        return JsonResponse({"error": "lat and lon are required"}, status=400)
    _last_seen[driver.pk] = {  # expect: CON002, SCL001
        "lat": lat,
        "lon": lon,
        "heading": data.get("heading"),
        "trip_id": data.get("trip_id"),
        "at": timezone.now().isoformat(),
    }
    return JsonResponse({"ok": True})


@login_required
@permission_required("dispatch.view_board", raise_exception=True)
@require_GET
def fleet_positions(request):
    snapshot = dict(_last_seen)
    return JsonResponse({"drivers": [{"driver_id": pk, **pos} for pk, pos in snapshot.items()]})


@login_required
@require_GET
def track_my_shuttle(request, booking_id: int):
    booking = get_object_or_404(  # expect: SEC018
        Booking.objects.select_related("trip", "trip__vehicle", "trip__driver"), pk=booking_id
    )
    trip = booking.trip
    position = _last_seen.get(trip.driver_id) if trip.driver_id else None
    return JsonResponse({
        "booking_id": booking.pk,
        "passenger_name": booking.passenger_name,
        "pickup_notes": booking.pickup_notes,
        "vehicle": trip.vehicle.plate,
        "depart_at": trip.depart_at.isoformat(),
        "driver_phone": trip.driver.phone if trip.driver else None,
        "position": position,
    })
