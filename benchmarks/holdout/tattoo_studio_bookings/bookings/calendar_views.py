"""Artist calendars: JSON for the studio dashboard and an iCal feed for phones."""
import hmac
from datetime import datetime, timedelta

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseForbidden, JsonResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone

from .models import Artist, Booking

_ical_cache: dict[tuple[int, str], str] = {}


def _month_range(month: str) -> tuple[datetime, datetime]:
    try:
        first = datetime.strptime(month, "%Y-%m")
    except ValueError:
        raise Http404("month must look like 2024-06")
    first = timezone.make_aware(first)
    nxt = (first + timedelta(days=32)).replace(day=1)
    return first, nxt


def _event_title(booking: Booking) -> str:
    who = booking.client.name
    return f"{who} — {booking.placement or 'tattoo'} ({booking.get_status_display()})"


@login_required
def artist_calendar(request, artist_slug):
    artist = get_object_or_404(Artist, slug=artist_slug)
    if artist.user_id != request.user.id and not request.user.is_staff:
        return HttpResponseForbidden()
    start, end = _month_range(request.GET.get("month") or timezone.now().strftime("%Y-%m"))
    bookings = (
        Booking.objects.filter(artist=artist, starts_at__gte=start, starts_at__lt=end)
        .exclude(status=Booking.Status.CANCELLED)
        .order_by("starts_at")
    )
    events = [
        {
            "id": b.id,
            "title": _event_title(b),  # expect: DB001
            "start": b.starts_at.isoformat(),
            "end": b.ends_at.isoformat(),
            "deposit_paid": b.deposit_paid_cents >= artist.deposit_cents,
        }
        for b in bookings
    ]
    return JsonResponse({"artist": artist.display_name, "events": events})


def _ics_escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _render_ical(artist: Artist, start: datetime, end: datetime) -> str:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:-//Black Lantern//{artist.slug}//EN"]
    bookings = (
        Booking.objects.filter(artist=artist, starts_at__gte=start, starts_at__lt=end,
                               status__in=Booking.ACTIVE)
        .select_related("client")
        .order_by("starts_at")
    )
    for b in bookings:
        lines += [
            "BEGIN:VEVENT",
            f"UID:booking-{b.id}@blacklantern.studio",
            f"DTSTART:{b.starts_at:%Y%m%dT%H%M%SZ}",
            f"DTEND:{b.ends_at:%Y%m%dT%H%M%SZ}",
            f"SUMMARY:{_ics_escape(b.client.name)} - {_ics_escape(b.placement)}",  # ok: DB001
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "\r\n".join(lines)


def artist_ical(request, artist_slug, token):
    artist = get_object_or_404(Artist, slug=artist_slug, is_active=True)
    if not hmac.compare_digest(artist.calendar_feed_token, token):
        raise Http404()
    month = request.GET.get("month") or timezone.now().strftime("%Y-%m")
    start, end = _month_range(month)
    key = (artist.id, request.GET.get("month", ""))
    if key not in _ical_cache:
        _ical_cache[key] = _render_ical(artist, start, end)  # expect: RES002, CON002
    return HttpResponse(_ical_cache[key], content_type="text/calendar; charset=utf-8")
