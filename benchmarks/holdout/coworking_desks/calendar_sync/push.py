"""Keeps the building's shared room calendar (RoomSync API) in step with bookings."""
import logging
from datetime import date, datetime

import requests
from celery import shared_task
from django.conf import settings
from django.utils import timezone

from workspace.models import RoomBooking

logger = logging.getLogger(__name__)


class CalendarError(Exception):
    pass


def _headers() -> dict[str, str]:
    return {
        "Authorization": f"Bearer {settings.CALENDAR_API_TOKEN}",
        "Content-Type": "application/json",
        "Accept": "application/json",
    }


def _event_url(booking: RoomBooking) -> str:
    return f"{settings.CALENDAR_API_BASE}/resources/{booking.room.calendar_resource_id}/events/{booking.uuid}"


def _event_body(booking: RoomBooking) -> dict:
    return {
        "summary": booking.title or f"Booked by member {booking.member_id}",
        "start": booking.starts_at.isoformat(),
        "end": booking.ends_at.isoformat(),
        "external_id": str(booking.uuid),
    }


def upsert_event(booking: RoomBooking) -> str:
    url = _event_url(booking)
    headers = _headers()
    logger.info("calendar upsert %s with headers %s", url, headers)  # expect: SEC007
    attempt = 0
    while True:  # expect: REL002
        attempt += 1
        response = requests.put(url, json=_event_body(booking), headers=headers)  # expect: REL001
        if response.status_code < 500:
            break
        logger.warning("calendar API answered %s for booking %s (attempt %d)", response.status_code, booking.pk, attempt)
    if response.status_code >= 400:
        raise CalendarError(f"upsert of booking {booking.pk} failed: {response.status_code}")
    return response.json()["id"]


def delete_event(booking: RoomBooking) -> None:
    response = requests.delete(_event_url(booking), headers=_headers(), timeout=10)  # ok: REL001
    if response.status_code not in (200, 204, 404):
        raise CalendarError(f"delete of booking {booking.pk} failed: {response.status_code}")


def fetch_busy_slots(resource_id: str, day: date) -> list[tuple[datetime, datetime]]:
    with requests.Session() as session:  # ok: RES001
        session.headers.update(_headers())
        response = session.get(
            f"{settings.CALENDAR_API_BASE}/resources/{resource_id}/busy",
            params={"date": day.isoformat()},
            timeout=10,
        )
        response.raise_for_status()
        slots = response.json().get("busy", [])
    return [(datetime.fromisoformat(s["start"]), datetime.fromisoformat(s["end"])) for s in slots]


@shared_task(bind=True, max_retries=5, default_retry_delay=30)
def push_room_booking(self, booking_id: int) -> None:
    booking = RoomBooking.objects.select_related("room").get(pk=booking_id)
    if not booking.room.calendar_resource_id:
        return
    try:
        if booking.status == RoomBooking.Status.CANCELLED:
            delete_event(booking)
            return
        event_id = upsert_event(booking)
    except (CalendarError, requests.RequestException) as exc:
        logger.warning("calendar sync for booking %s failed, retrying", booking_id, exc_info=True)
        raise self.retry(exc=exc)
    RoomBooking.objects.filter(pk=booking_id).update(calendar_event_id=event_id)
    logger.info("booking %s synced to calendar as %s at %s", booking_id, event_id, timezone.now().isoformat())
