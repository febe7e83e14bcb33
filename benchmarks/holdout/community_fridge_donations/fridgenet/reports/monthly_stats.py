"""Monthly donation statistics for trustees (staff only)."""
import csv
import logging
from datetime import datetime

from dateutil.relativedelta import relativedelta
from django.contrib.admin.views.decorators import staff_member_required
from django.db import connection
from django.http import HttpResponseBadRequest, JsonResponse, StreamingHttpResponse
from django.utils import timezone

from ..models import DropOff

logger = logging.getLogger(__name__)

STATS_SQL = """
    SELECT f.id, f.name,
           COUNT(d.id) AS visits,
           COALESCE(SUM(d.items_count), 0) AS items,
           COUNT(DISTINCT d.donor_id) AS donors
      FROM fridgenet_dropoff d
      JOIN fridgenet_dropoffslot s ON s.id = d.slot_id
      JOIN fridgenet_fridge f ON f.id = s.fridge_id
     WHERE d.status = 'received'
       AND d.checked_in_at >= %s
       AND d.checked_in_at < %s
"""


def _month_bounds(raw):
    start = datetime.strptime(raw, "%Y-%m").replace(tzinfo=timezone.get_current_timezone())
    return start, start + relativedelta(months=1)


@staff_member_required
def monthly_stats(request):
    try:
        start, end = _month_bounds(request.GET.get("month") or timezone.localdate().strftime("%Y-%m"))
    except ValueError:
        return HttpResponseBadRequest("month must be YYYY-MM")
    fridge_ids = request.GET.getlist("fridge")

    sql = STATS_SQL
    if fridge_ids:
        sql += " AND f.id IN (" + ",".join(fridge_ids) + ")"  # expect: SEC001
    sql += " GROUP BY f.id, f.name ORDER BY f.name"

    with connection.cursor() as cursor:
        cursor.execute(sql, [start, end])
        rows = cursor.fetchall()  # ok: DB002

    logger.info("staff user %s viewed stats for %s", request.user.pk, start.strftime("%Y-%m"))
    return JsonResponse(
        {
            "month": start.strftime("%Y-%m"),
            "fridges": [
                {"id": r[0], "name": r[1], "visits": r[2], "items": r[3], "donors": r[4]} for r in rows
            ],
        }
    )


class _Echo:
    def write(self, value):
        return value


@staff_member_required
def monthly_dropoffs_csv(request):
    try:
        start, end = _month_bounds(request.GET.get("month", ""))
    except ValueError:
        return HttpResponseBadRequest("month must be YYYY-MM")

    dropoffs = (
        DropOff.objects.filter(status=DropOff.Status.RECEIVED, checked_in_at__gte=start, checked_in_at__lt=end)
        .select_related("slot__fridge", "donor")
        .order_by("checked_in_at")
        .values_list("checked_in_at", "slot__fridge__name", "donor__display_name", "items_count")
    )
    writer = csv.writer(_Echo())

    def rows():
        yield writer.writerow(["Checked in", "Fridge", "Donor", "Items"])
        for checked_in_at, fridge, donor, items in dropoffs.iterator(chunk_size=2000):
            yield writer.writerow([timezone.localtime(checked_in_at).isoformat(), fridge, donor, items])

    response = StreamingHttpResponse(rows(), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="dropoffs-{start:%Y-%m}.csv"'
    return response
