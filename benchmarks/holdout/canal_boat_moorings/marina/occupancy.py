"""Occupancy figures for marina managers, and a streamed CSV of a date range."""
import csv
from datetime import date, timedelta

from django.contrib.admin.views.decorators import staff_member_required
from django.db import connection
from django.http import JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET

from .models import BerthBooking, Marina

NIGHTS_SQL = """
    SELECT d::date AS night, count(bk.id) AS occupied
    FROM generate_series(%s::date, %s::date - 1, interval '1 day') AS d
    LEFT JOIN marina_berthbooking bk
      ON bk.arrives <= d AND bk.departs > d AND bk.status IN ('held', 'confirmed')
     AND bk.berth_id IN (SELECT id FROM marina_berth WHERE marina_id = %s)
    GROUP BY d ORDER BY d
"""


class _Echo:
    def write(self, value):
        return value


def _range(request, max_days=92):
    start = date.fromisoformat(request.GET.get("from", date.today().isoformat()))
    days = min(int(request.GET.get("days", 30)), max_days)
    return start, start + timedelta(days=days)


@staff_member_required
@require_GET
def nightly_occupancy(request, marina_code):
    marina = get_object_or_404(Marina, code=marina_code)
    start, end = _range(request)
    berth_count = marina.berths.count()
    with connection.cursor() as cursor:
        cursor.execute(NIGHTS_SQL, [start, end, marina.pk])  # ok: SEC001
        nights = cursor.fetchall()
    return JsonResponse({
        "marina": marina.code,
        "berths": berth_count,
        "nights": [{"night": n.isoformat(), "occupied": occ, "free": berth_count - occ} for n, occ in nights],
    })


@staff_member_required
@require_GET
def bookings_csv(request, marina_code):
    marina = get_object_or_404(Marina, code=marina_code)
    start, end = _range(request, max_days=366)
    bookings = (
        BerthBooking.objects.filter(berth__marina=marina, arrives__lt=end, departs__gt=start)
        .select_related("berth", "boat")
        .order_by("arrives")
        .values_list("pk", "berth__label", "boat__name", "arrives", "departs", "status", "total_pence")
    )
    writer = csv.writer(_Echo())

    def rows():
        yield writer.writerow(["id", "berth", "boat", "arrives", "departs", "status", "total_pence"])
        for row in bookings.iterator(chunk_size=2000):  # ok: DB002, RES003
            yield writer.writerow(row)

    response = StreamingHttpResponse(rows(), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="{marina.code}-{start.isoformat()}.csv"'
    return response
