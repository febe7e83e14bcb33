"""CSV export of bookings for the accountant, streamed row by row."""
import csv
import datetime as dt
import logging

from django.http import HttpResponseBadRequest, StreamingHttpResponse
from django.utils import timezone
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import IsAdminUser

from workshops.models import Booking

logger = logging.getLogger(__name__)

HEADER = ["booking_id", "created_at", "workshop", "session_start", "student_email", "seats", "amount", "status"]
MAX_RANGE_DAYS = 400


class _Echo:
    """File-like object whose write() hands the line back to the csv writer's caller."""

    def write(self, value):
        return value


def _cell(value) -> str:
    text = str(value)
    # Keep spreadsheet apps from running formulas typed into names or emails.
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def _rows(start: dt.date, end: dt.date):
    writer = csv.writer(_Echo())
    yield writer.writerow(HEADER)
    since = timezone.make_aware(dt.datetime.combine(start, dt.time.min))
    until = timezone.make_aware(dt.datetime.combine(end, dt.time.min))
    bookings = (
        Booking.objects.filter(created_at__gte=since, created_at__lt=until)
        .select_related("user", "session__workshop")
        .order_by("pk")
        .iterator(chunk_size=2000)  # ok: DB002
    )
    for b in bookings:
        yield writer.writerow([
            b.pk, b.created_at.isoformat(), _cell(b.session.workshop.title), b.session.starts_at.isoformat(),
            _cell(b.user.email), b.seats, f"{b.amount_cents / 100:.2f}", b.status,
        ])


@api_view(["GET"])
@permission_classes([IsAdminUser])
def bookings_csv(request):
    try:
        start = dt.date.fromisoformat(request.query_params.get("from", ""))
        end = dt.date.fromisoformat(request.query_params.get("to", "")) + dt.timedelta(days=1)
    except ValueError:
        return HttpResponseBadRequest("from and to must be YYYY-MM-DD")
    if not 0 < (end - start).days <= MAX_RANGE_DAYS:
        return HttpResponseBadRequest(f"range must be 1 to {MAX_RANGE_DAYS} days")
    logger.info("bookings export %s..%s requested", start, end)
    response = StreamingHttpResponse(_rows(start, end), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="bookings-{start}-{end}.csv"'
    response["X-Generated-At"] = timezone.now().isoformat()
    return response
