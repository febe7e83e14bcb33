"""Polls arrival times for flights our passengers are on, so dispatch can move
pickups when a flight is late."""
import logging
import time
from datetime import datetime, timedelta

import requests
from celery import shared_task
from django.conf import settings
from django.utils import timezone

from bookings.models import Booking, FlightStatus

log = logging.getLogger(__name__)

LOOKAHEAD = timedelta(hours=4)


def _fetch_status(flight_number: str) -> dict:
    url = f"{settings.FLIGHT_API_URL}/flights/{flight_number}"
    while True:  # expect: REL002
        try:
            resp = requests.get(url, headers={"x-apikey": settings.FLIGHT_API_KEY},
                                params={"max_pages": 1}, timeout=8)
            if resp.status_code == 429:
                time.sleep(int(resp.headers.get("Retry-After", "5")))
                continue
            resp.raise_for_status()
            flights = resp.json().get("flights", [])
            return flights[0] if flights else {}
        except requests.RequestException as exc:
            print(f"flight lookup failed for {flight_number}: {exc}")  # expect: OBS001
            time.sleep(5)


def _parse_time(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except Exception:  # expect: ERR001
        return None


@shared_task
def refresh_arrivals() -> int:
    now = timezone.now()
    flights = (
        Booking.objects.filter(
            status=Booking.CONFIRMED,
            trip__depart_at__gte=now - timedelta(hours=1),
            trip__depart_at__lte=now + LOOKAHEAD,
        )
        .exclude(flight_number="")
        .values_list("flight_number", flat=True)
        .distinct()
    )
    updated = 0
    for flight_number in flights:
        data = _fetch_status(flight_number)
        if not data:
            continue
        FlightStatus.objects.update_or_create(
            flight_number=flight_number,
            defaults={
                "scheduled_in": _parse_time(data.get("scheduled_in")),
                "estimated_in": _parse_time(data.get("estimated_in")),
                "status": str(data.get("status", ""))[:24],
            },
        )
        updated += 1
    log.info("refreshed arrival times for %d flights", updated)
    return updated


def delayed_bookings(min_delay: timedelta = timedelta(minutes=20)):
    """Bookings whose flight is now expected well after the shuttle leaves."""
    late = FlightStatus.objects.filter(
        estimated_in__isnull=False, scheduled_in__isnull=False, updated_at__gte=timezone.now() - LOOKAHEAD
    )
    by_flight = {f.flight_number: f for f in late}
    candidates = Booking.objects.filter(
        status=Booking.CONFIRMED, flight_number__in=list(by_flight),
        trip__depart_at__gte=timezone.now(),
    ).select_related("trip")
    return [
        b for b in candidates
        if by_flight[b.flight_number].estimated_in - b.trip.depart_at > -min_delay
    ]
