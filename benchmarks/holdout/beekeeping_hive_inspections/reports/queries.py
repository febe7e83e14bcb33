"""Report queries for the committee dashboard (parameterised, streamed where large)."""
import csv
import logging

from django.contrib.admin.views.decorators import staff_member_required
from django.db import connection
from django.http import JsonResponse, StreamingHttpResponse
from django.views.decorators.http import require_GET

from hives.models import Inspection

log = logging.getLogger(__name__)

ORDER_COLUMNS = {
    "apiary": "apiary",
    "inspections": "inspections",
    "avg_count": "avg_count",
    "last_inspected": "last_inspected",
}
MAX_ROWS = 500


def varroa_by_district(district: str, order: str = "avg_count", limit: int = MAX_ROWS) -> list[dict]:
    order_column = ORDER_COLUMNS.get(order, "avg_count")
    sql = f"""
        SELECT a.name AS apiary, m.membership_no, COUNT(i.id) AS inspections,
               ROUND(AVG(i.varroa_count), 1) AS avg_count, MAX(i.inspected_at) AS last_inspected
        FROM hives_inspection i
        JOIN hives_hive h ON h.id = i.hive_id
        JOIN hives_apiary a ON a.id = h.apiary_id
        JOIN members_member m ON m.id = a.member_id
        WHERE i.varroa_count IS NOT NULL AND a.postcode LIKE %s
        GROUP BY a.name, m.membership_no
        ORDER BY {order_column} DESC
        LIMIT %s
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [district.upper().strip() + "%", min(limit, MAX_ROWS)])  # ok: SEC001
        columns = [col[0] for col in cursor.description]
        return [dict(zip(columns, row)) for row in cursor.fetchall()]


@staff_member_required
@require_GET
def varroa_dashboard(request):
    rows = varroa_by_district(request.GET.get("district", ""), request.GET.get("order", "avg_count"))
    return JsonResponse({"rows": rows})


class _Echo:
    """File-like object whose write() hands the row straight back (Django docs pattern)."""

    def write(self, value):
        return value


@staff_member_required
@require_GET
def inspection_dump_stream(request):
    queryset = (
        Inspection.objects.select_related("hive__apiary__member")
        .order_by("inspected_at")
        .iterator(chunk_size=2000)
    )
    writer = csv.writer(_Echo())

    def rows():
        yield writer.writerow(["inspected_at", "member", "apiary", "hive", "brood_frames",
                               "queen_seen", "varroa_method", "varroa_count"])
        for i in queryset:  # ok: DB002
            yield writer.writerow([
                i.inspected_at.isoformat(), i.hive.apiary.member.membership_no,
                i.hive.apiary.name, i.hive.label, i.brood_frames,
                "yes" if i.queen_seen else "no", i.varroa_method,
                "" if i.varroa_count is None else i.varroa_count,
            ])

    log.info("streaming inspection dump to staff user %s", request.user.pk)
    response = StreamingHttpResponse(rows(), content_type="text/csv")
    response["Content-Disposition"] = 'attachment; filename="inspections.csv"'
    return response
