"""Seat holds for card-paying customers: a hold reserves seats for ten minutes
while checkout completes, and expired holds give their seats back."""
import json
import logging
from collections import defaultdict
from datetime import timedelta

from celery import shared_task
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import F
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.http import require_POST

from bookings.models import Booking, Trip

log = logging.getLogger(__name__)

HOLD_TTL = timedelta(minutes=10)


class SoldOut(Exception):
    pass


def place_hold(trip_id: int, user, party_size: int, name: str, phone: str, **extra) -> Booking:
    with transaction.atomic():
        claimed = Trip.objects.filter(
            pk=trip_id, status=Trip.SCHEDULED, seats_booked__lte=F("capacity") - party_size,
        ).update(seats_booked=F("seats_booked") + party_size)  # ok: DB004, DB005
        if not claimed:
            raise SoldOut(trip_id)
        fare = Trip.objects.values_list("fare_cents", flat=True).get(pk=trip_id)
        return Booking.objects.create(
            trip_id=trip_id, user=user, passenger_name=name, passenger_phone=phone,
            party_size=party_size, status=Booking.HELD, amount_cents=fare * party_size,
            hold_expires_at=timezone.now() + HOLD_TTL, **extra,
        )


@login_required
@require_POST
def hold_seats(request, trip_id: int):
    try:
        data = json.loads(request.body)
        party = int(data.get("party_size", 1))
        name, phone = str(data["passenger_name"])[:120], str(data["passenger_phone"])[:20]
    except (ValueError, KeyError, TypeError):
        return JsonResponse({"error": "passenger_name, passenger_phone and party_size are required"}, status=400)
    if not 1 <= party <= 6:
        return JsonResponse({"error": "party_size must be 1-6"}, status=400)
    try:
        booking = place_hold(trip_id, request.user, party, name, phone,
                             flight_number=str(data.get("flight_number", "")).upper()[:8])
    except SoldOut:
        return JsonResponse({"error": "not enough seats left on this shuttle"}, status=409)
    log.info("user %s holds booking %s on trip %s", request.user.pk, booking.pk, trip_id)
    return JsonResponse({"booking_id": booking.pk, "hold_expires_at": booking.hold_expires_at.isoformat(),
                         "amount_cents": booking.amount_cents}, status=201)


@shared_task
def release_expired_holds(batch_size: int = 500) -> int:
    with transaction.atomic():  # ok: DB003
        expired = list(
            Booking.objects.select_for_update(skip_locked=True)
            .filter(status=Booking.HELD, hold_expires_at__lt=timezone.now())
            .values_list("pk", "trip_id", "party_size")[:batch_size]
        )
        if not expired:
            return 0
        seats_by_trip: dict[int, int] = defaultdict(int)
        for _pk, trip_id, party in expired:
            seats_by_trip[trip_id] += party
        Booking.objects.filter(pk__in=[pk for pk, _t, _p in expired]).update(status=Booking.EXPIRED)
        for trip_id, seats in seats_by_trip.items():
            Trip.objects.filter(pk=trip_id).update(seats_booked=F("seats_booked") - seats)  # ok: DB001, DB004
    log.info("released %d expired holds across %d trips", len(expired), len(seats_by_trip))
    return len(expired)
