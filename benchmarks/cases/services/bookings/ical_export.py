"""Calendar feed for customers: their upcoming confirmed bookings as an iCalendar file."""
import logging
from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from .models import Booking

logger = logging.getLogger(__name__)

MAX_EVENTS = 200


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _vevent(booking) -> list[str]:
    start = booking.event.starts_at
    end = booking.event.ends_at or start + timedelta(hours=2)
    return [
        "BEGIN:VEVENT",
        f"UID:booking-{booking.pk}@acme.example",
        f"DTSTAMP:{timezone.now():%Y%m%dT%H%M%SZ}",
        f"DTSTART:{start:%Y%m%dT%H%M%SZ}",
        f"DTEND:{end:%Y%m%dT%H%M%SZ}",
        f"SUMMARY:{_escape(booking.event.title)}",
        f"LOCATION:{_escape(booking.event.venue_name)}",
        f"DESCRIPTION:{_escape('Seat ' + booking.seat.label)}",
        "END:VEVENT",
    ]


@require_GET
@login_required
def my_calendar(request):
    upcoming = Booking.objects.filter(customer=request.user, status="confirmed", event__starts_at__gte=timezone.now())
    bookings = upcoming.select_related("event", "seat").order_by("event__starts_at")[:MAX_EVENTS]  # ok: DB001, DB002
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Acme Events//Bookings//EN"]
    for booking in bookings:
        lines.extend(_vevent(booking))
    lines.append("END:VCALENDAR")
    logger.debug("calendar feed for user %s", request.user.pk)
    response = HttpResponse("\r\n".join(lines) + "\r\n", content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="acme-bookings.ics"'
    return response
