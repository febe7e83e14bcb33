"""Ice usage and attendance reports for the board."""

import csv
import logging
from datetime import date, datetime, time

from django.contrib.admin.views.decorators import staff_member_required
from django.db import connection
from django.http import HttpResponseBadRequest, JsonResponse, StreamingHttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from sheets.models import SheetBooking

logger = logging.getLogger(__name__)


class _Echo:
    """File-like object whose write() returns the line, for csv.writer + streaming."""

    def write(self, value):
        return value


def _month_range(request) -> tuple[datetime, datetime] | None:
    try:
        first = date.fromisoformat(request.GET["month"] + "-01")
    except (KeyError, ValueError):
        return None
    nxt = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    tz = timezone.get_current_timezone()
    return datetime.combine(first, time.min, tz), datetime.combine(nxt, time.min, tz)


@staff_member_required
@require_GET
def sheet_usage(request):
    bounds = _month_range(request)
    if bounds is None:
        return HttpResponseBadRequest("month=YYYY-MM is required")
    with connection.cursor() as cursor:
        cursor.execute(  # ok: SEC001
            "SELECT s.name, b.status, count(*) FROM sheets_sheetbooking b"
            " JOIN sheets_sheet s ON s.id = b.sheet_id"
            " WHERE b.starts_at >= %s AND b.starts_at < %s"
            " GROUP BY s.name, b.status ORDER BY s.name",
            [bounds[0], bounds[1]],
        )
        rows = cursor.fetchall()
    usage: dict[str, dict[str, int]] = {}
    for sheet, status, count in rows:
        usage.setdefault(sheet, {})[status] = count
    return JsonResponse({"month": request.GET["month"], "sheets": usage})


@staff_member_required
@require_GET
def bookings_csv(request):
    """Month of sheet bookings, streamed in chunks rather than built in memory."""
    bounds = _month_range(request)
    if bounds is None:
        return HttpResponseBadRequest("month=YYYY-MM is required")
    rows = (
        SheetBooking.objects.filter(starts_at__gte=bounds[0], starts_at__lt=bounds[1])
        .select_related("sheet", "member__user")
        .order_by("starts_at")
        .iterator(chunk_size=2000)  # ok: DB002
    )
    writer = csv.writer(_Echo())

    def lines():
        yield writer.writerow(["booking", "sheet", "starts_at", "member_number", "member", "status"])
        for b in rows:
            yield writer.writerow([b.pk, b.sheet.name, b.starts_at.isoformat(), b.member.member_number, b.member.user.get_full_name(), b.status])

    logger.info("sheet bookings export for %s requested by user %s", request.GET["month"], request.user.pk)
    response = StreamingHttpResponse(lines(), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="sheet-bookings-{request.GET["month"]}.csv"'
    return response
