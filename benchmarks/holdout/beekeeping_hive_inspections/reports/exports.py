"""Committee reports: varroa levels by district and the full inspection dump."""
import csv
import io
import logging

from django.contrib.admin.views.decorators import staff_member_required
from django.db import connection
from django.http import HttpResponse
from django.views.decorators.http import require_GET

from hives.models import Inspection

log = logging.getLogger(__name__)

VARROA_BY_DISTRICT_SQL = """
    SELECT a.name AS apiary, m.membership_no, COUNT(i.id) AS inspections,
           ROUND(AVG(i.varroa_count), 1) AS avg_count, MAX(i.inspected_at) AS last_inspected
    FROM hives_inspection i
    JOIN hives_hive h ON h.id = i.hive_id
    JOIN hives_apiary a ON a.id = h.apiary_id
    JOIN members_member m ON m.id = a.member_id
    WHERE i.varroa_count IS NOT NULL AND a.postcode LIKE '{district}%'
    GROUP BY a.name, m.membership_no
    ORDER BY {order} DESC
"""


def _csv_response(filename: str, header: list[str], rows) -> HttpResponse:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(header)
    writer.writerows(rows)
    response = HttpResponse(buf.getvalue(), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@staff_member_required
@require_GET
def varroa_by_district(request):
    district = request.GET.get("district", "").upper().strip()
    order = request.GET.get("order", "avg_count")
    print(f"varroa report: district={district!r} order={order!r} user={request.user.pk}")  # expect: OBS001

    sql = VARROA_BY_DISTRICT_SQL.format(district=district, order=order)
    with connection.cursor() as cursor:
        cursor.execute(sql)  # expect: SEC001
        rows = cursor.fetchall()
    return _csv_response(f"varroa-{district or 'all'}.csv",
                         ["apiary", "membership_no", "inspections", "avg_count", "last_inspected"],
                         rows)


@staff_member_required
@require_GET
def inspection_dump(request):
    inspections = list(  # expect: DB002, RES003
        Inspection.objects.select_related("hive__apiary__member").order_by("inspected_at")
    )
    rows = (
        [
            i.inspected_at.isoformat(),
            i.hive.apiary.member.membership_no,
            i.hive.apiary.name,
            i.hive.label,
            i.brood_frames,
            "yes" if i.queen_seen else "no",
            i.varroa_method,
            i.varroa_count if i.varroa_count is not None else "",
        ]
        for i in inspections
    )
    log.info("inspection dump of %d rows for staff user %s", len(inspections), request.user.pk)
    return _csv_response("inspections.csv",
                         ["inspected_at", "member", "apiary", "hive", "brood_frames",
                          "queen_seen", "varroa_method", "varroa_count"],
                         rows)
