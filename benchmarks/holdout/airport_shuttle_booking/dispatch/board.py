"""Dispatcher board (v2). Driver positions live in Redis with a short TTL so
every web replica serves the same picture."""
import json
import logging
from datetime import timedelta

import redis
from django.conf import settings
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from bookings.models import Booking, Driver, Trip

log = logging.getLogger(__name__)

POSITION_TTL_SECONDS = 300
_redis = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2, socket_connect_timeout=2)  # ok: RES001


def _position_key(driver_id: int) -> str:
    return f"driver:pos:{driver_id}"


@login_required
@require_POST
def record_position(request):
    driver = get_object_or_404(Driver, user=request.user, active=True)  # ok: SEC018
    try:
        data = json.loads(request.body)
        lat, lon = float(data["lat"]), float(data["lon"])
    except (ValueError, KeyError, TypeError):
        return JsonResponse({"error": "lat and lon are required"}, status=400)
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return JsonResponse({"error": "coordinates out of range"}, status=400)
    payload = json.dumps({"lat": round(lat, 6), "lon": round(lon, 6), "at": timezone.now().isoformat()})
    _redis.set(_position_key(driver.pk), payload, ex=POSITION_TTL_SECONDS)  # ok: CON002, SCL001
    return JsonResponse({"ok": True})


def _positions(driver_ids: list[int]) -> dict[int, dict]:
    if not driver_ids:
        return {}
    try:
        raw = _redis.mget([_position_key(d) for d in driver_ids])
    except redis.RedisError:
        # The board still works without live dots on the map.
        log.warning("driver positions unavailable", exc_info=True)
        return {}
    return {d: json.loads(v) for d, v in zip(driver_ids, raw) if v}


@login_required
@permission_required("dispatch.view_board", raise_exception=True)
@require_GET
def board(request):
    now = timezone.now()
    confirmed = Booking.objects.filter(status=Booking.CONFIRMED).only(
        "id", "trip_id", "passenger_name", "party_size", "flight_number"
    )
    trips = (
        Trip.objects.filter(depart_at__gte=now - timedelta(minutes=30), status=Trip.SCHEDULED)
        .select_related("vehicle", "driver__user")
        .prefetch_related(Prefetch("bookings", queryset=confirmed))
        .order_by("depart_at")
    )
    page = Paginator(trips, 50).get_page(request.GET.get("page"))  # ok: DB002
    positions = _positions([t.driver_id for t in page if t.driver_id])
    rows = []
    for trip in page:
        passengers = trip.bookings.all()  # ok: DB001
        rows.append({
            "trip_id": trip.pk,
            "route": trip.route_code,
            "depart_at": trip.depart_at.isoformat(),
            "vehicle": trip.vehicle.plate,
            "driver": trip.driver.user.get_full_name() if trip.driver else None,
            "seats_left": trip.capacity - trip.seats_booked,
            "passengers": [{"name": b.passenger_name, "party": b.party_size, "flight": b.flight_number}
                           for b in passengers],
            "position": positions.get(trip.driver_id),
        })
    return JsonResponse({"page": page.number, "pages": page.paginator.num_pages, "trips": rows})
