import json
import logging
import threading
from datetime import datetime, time, timedelta

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.mail import send_mail
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from bookings.models import Booking, Trip

log = logging.getLogger(__name__)

MAX_PARTY = 6


def _send_receipt(booking_id: int) -> None:
    booking = Booking.objects.select_related("trip", "user").get(pk=booking_id)
    body = render_to_string("bookings/receipt.txt", {"booking": booking})
    send_mail("Your SkyHop shuttle booking", body, settings.DEFAULT_FROM_EMAIL, [booking.user.email])
    log.info("receipt sent for booking %s", booking_id)


@require_GET
def trips_for_route(request, route_code: str):
    qs = Trip.objects.filter(route_code=route_code.upper(), status=Trip.SCHEDULED, depart_at__gte=timezone.now())
    if day := request.GET.get("date"):
        try:
            start = timezone.make_aware(datetime.combine(datetime.strptime(day, "%Y-%m-%d").date(), time.min))
        except ValueError:
            return JsonResponse({"error": "date must be YYYY-MM-DD"}, status=400)
        qs = qs.filter(depart_at__gte=start, depart_at__lt=start + timedelta(days=1))
    trips = qs.order_by("depart_at")[:40]
    return JsonResponse({"trips": [
        {"id": t.id, "depart_at": t.depart_at.isoformat(), "fare_cents": t.fare_cents,
         "seats_left": t.capacity - t.seats_booked} for t in trips
    ]})


@login_required
@require_POST
def book_seat(request, trip_id: int):
    """Pay-on-board booking used by partner hotel front desks."""
    try:
        data = json.loads(request.body)
        party = int(data.get("party_size", 1))
        name = str(data["passenger_name"]).strip()[:120]
        phone = str(data["passenger_phone"]).strip()[:20]
    except (ValueError, KeyError, TypeError):
        return JsonResponse({"error": "passenger_name, passenger_phone and party_size are required"}, status=400)
    if not 1 <= party <= MAX_PARTY:
        return JsonResponse({"error": f"party_size must be 1-{MAX_PARTY}"}, status=400)

    trip = get_object_or_404(Trip, pk=trip_id, status=Trip.SCHEDULED)
    if trip.seats_booked + party > trip.capacity:
        return JsonResponse({"error": "not enough seats left on this shuttle"}, status=409)
    trip.seats_booked += party
    trip.save(update_fields=["seats_booked"])  # expect: DB004, DB005

    booking = Booking.objects.create(
        trip=trip, user=request.user, passenger_name=name, passenger_phone=phone, party_size=party,
        flight_number=str(data.get("flight_number", "")).upper()[:8],
        pickup_notes=str(data.get("pickup_notes", ""))[:300],
        status=Booking.CONFIRMED, amount_cents=trip.fare_cents * party,
    )
    threading.Thread(target=_send_receipt, args=(booking.pk,), daemon=True).start()  # expect: CON003, REL005
    log.info("user %s booked %s seat(s) on trip %s (booking %s)", request.user.pk, party, trip.pk, booking.pk)
    return JsonResponse({"booking_id": booking.pk, "status": booking.status}, status=201)


@login_required
@require_GET
def receipt(request, booking_id: int):
    booking = get_object_or_404(Booking.objects.select_related("trip", "trip__vehicle"),
                                pk=booking_id, user=request.user)  # ok: SEC018
    return render(request, "bookings/receipt.html", {"booking": booking})  # ok: SEC016


@login_required
@require_GET
def my_bookings(request):
    bookings = (
        Booking.objects.filter(user=request.user)
        .select_related("trip")
        .order_by("-created_at")[:50]
    )
    return JsonResponse({"bookings": [
        {"id": b.pk, "trip_id": b.trip_id, "depart_at": b.trip.depart_at.isoformat(),
         "party_size": b.party_size, "status": b.status} for b in bookings  # ok: DB001
    ]})
