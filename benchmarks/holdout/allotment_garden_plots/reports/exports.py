"""Treasurer's CSV exports, streamed so a whole season never sits in memory."""
import csv
from datetime import date
from itertools import chain

from django.contrib.admin.views.decorators import staff_member_required
from django.db import connection
from django.http import JsonResponse, StreamingHttpResponse
from django.views.decorators.http import require_GET

from garden.models import RentInvoice

INVOICE_HEADER = ["site", "plot", "member", "email", "season", "amount", "status", "due_on"]
WATER_HEADER = ["site", "plot", "first_reading_m3", "last_reading_m3", "used_m3"]


class _Echo:
    """File-like object whose write() hands the line straight back to the caller."""

    def write(self, value):
        return value


def _season(request):
    try:
        season = int(request.GET.get("season", ""))
    except ValueError:
        return None
    return season if 2000 <= season <= 2100 else None


def _csv_response(header, rows, filename):
    writer = csv.writer(_Echo())
    lines = (writer.writerow(row) for row in chain([header], rows))
    response = StreamingHttpResponse(lines, content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@staff_member_required
@require_GET
def invoices_csv(request):
    season = _season(request)
    if season is None:
        return JsonResponse({"error": "season must be a year"}, status=400)
    invoices = (RentInvoice.objects
                .filter(season=season)
                .select_related("plot__site", "member__user")
                .order_by("plot__site__code", "plot__number")
                .iterator(chunk_size=1000))
    rows = ([inv.plot.site.code, inv.plot.number, inv.member.user.get_full_name(),  # ok: DB001
             inv.member.user.email, inv.season, inv.amount, inv.status, inv.due_on.isoformat()]
            for inv in invoices)
    return _csv_response(INVOICE_HEADER, rows, f"rent-{season}.csv")


def _water_rows(start, end):
    sql = (
        "SELECT s.code, p.number, MIN(r.reading_m3), MAX(r.reading_m3) "
        "FROM garden_meterreading r "
        "JOIN garden_plot p ON p.id = r.plot_id "
        "JOIN garden_site s ON s.id = p.site_id "
        "WHERE r.read_on >= %s AND r.read_on < %s "
        "GROUP BY s.code, p.number ORDER BY s.code, p.number"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [start, end])  # ok: SEC001
        while True:  # ok: REL002
            chunk = cursor.fetchmany(500)
            if not chunk:
                break
            for code, number, first, last in chunk:
                yield [code, number, first, last, last - first]


@staff_member_required
@require_GET
def water_usage_csv(request):
    season = _season(request)
    if season is None:
        return JsonResponse({"error": "season must be a year"}, status=400)
    rows = _water_rows(date(season, 1, 1), date(season + 1, 1, 1))
    return _csv_response(WATER_HEADER, rows, f"water-{season}.csv")
