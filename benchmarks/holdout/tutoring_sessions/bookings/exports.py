"""CSV export of sessions for the finance team."""
import csv
from datetime import datetime, time, timedelta

from django.contrib.admin.views.decorators import staff_member_required
from django.http import JsonResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.views.decorators.http import require_GET

from bookings.models import TutoringSession

HEADER = ["session_id", "starts_at", "tutor", "student", "subject", "status", "credits", "paid_out"]
MAX_RANGE_DAYS = 366


class _Echo:
    """File-like object whose write returns the line, for streaming csv.writer output."""

    def write(self, value: str) -> str:
        return value


def _rows(sessions):
    yield HEADER
    for s in sessions.iterator(chunk_size=2000):  # ok: DB002
        yield [
            s.id,
            s.starts_at.isoformat(),
            s.tutor.user.get_full_name(),
            s.student.user.get_full_name(),
            s.subject.name,
            s.status,
            s.credits_charged,
            "yes" if s.paid_out else "no",
        ]


@staff_member_required
@require_GET
def export_sessions(request):
    start = parse_date(request.GET.get("from", ""))
    end = parse_date(request.GET.get("to", ""))
    if start is None or end is None or end < start or (end - start).days > MAX_RANGE_DAYS:
        return JsonResponse({"error": "give from/to dates at most one year apart"}, status=400)

    tz = timezone.get_current_timezone()
    window_start = datetime.combine(start, time.min, tzinfo=tz)
    window_end = datetime.combine(end + timedelta(days=1), time.min, tzinfo=tz)
    sessions = (
        TutoringSession.objects.filter(starts_at__gte=window_start, starts_at__lt=window_end)
        .select_related("tutor__user", "student__user", "subject")
        .order_by("starts_at")
    )
    writer = csv.writer(_Echo())
    response = StreamingHttpResponse((writer.writerow(row) for row in _rows(sessions)), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="sessions-{start}-{end}.csv"'
    return response
