"""Streaming CSV exports for the bookkeeper and the shipping partner."""
import csv
import logging
import re
from itertools import chain

from django.contrib.admin.views.decorators import staff_member_required
from django.db import connection
from django.http import HttpResponseBadRequest, StreamingHttpResponse

from club.models import ClubShipment

log = logging.getLogger(__name__)
QUARTER_RE = re.compile(r"^\d{4}-Q[1-4]$")

# Column the revenue report may be sorted by -> SQL expression.
REVENUE_SORTS = {
    "total": "SUM(s.total_cents)",
    "shipments": "COUNT(*)",
    "name": "u.last_name",
}


class _Echo:
    """File-like object whose write() hands the row straight back to the generator."""

    def write(self, value: str) -> str:
        return value


def _quarter_or_400(request):
    quarter = request.GET.get("quarter", "")
    return quarter if QUARTER_RE.match(quarter) else None


@staff_member_required
def shipments_csv(request):
    quarter = _quarter_or_400(request)
    if quarter is None:
        return HttpResponseBadRequest("quarter must look like 2024-Q3")
    rows = (
        ClubShipment.objects.filter(quarter=quarter)
        .order_by("pk")
        .values_list("pk", "membership__member__email", "membership__tier", "status", "total_cents",
                     "membership__ship_to")
        .iterator(chunk_size=2000)  # ok: DB002
    )
    writer = csv.writer(_Echo())
    header = [("shipment_id", "email", "tier", "status", "total_cents", "ship_to")]
    log.info("staff %s exporting %s shipments", request.user.pk, quarter)
    return StreamingHttpResponse(
        (writer.writerow(r) for r in chain(header, rows)),
        content_type="text/csv",
        headers={"Content-Disposition": f'attachment; filename="shipments-{quarter}.csv"'},
    )


@staff_member_required
def revenue_by_member(request):
    quarter = _quarter_or_400(request)
    if quarter is None:
        return HttpResponseBadRequest("quarter must look like 2024-Q3")
    sort = REVENUE_SORTS.get(request.GET.get("sort", "total"), REVENUE_SORTS["total"])
    with connection.cursor() as cur:
        cur.execute(
            "SELECT u.email, u.last_name, COUNT(*), SUM(s.total_cents) "
            "FROM club_clubshipment s "
            "JOIN club_clubmembership m ON m.id = s.membership_id "
            "JOIN auth_user u ON u.id = m.member_id "
            "WHERE s.quarter = %s AND s.status IN ('paid', 'shipped') "
            f"GROUP BY u.email, u.last_name ORDER BY {sort} DESC LIMIT 500",  # ok: SEC001
            [quarter],
        )
        rows = cur.fetchall()
    writer = csv.writer(_Echo())
    lines = chain([writer.writerow(["email", "last_name", "shipments", "total_cents"])],
                  (writer.writerow(r) for r in rows))
    return StreamingHttpResponse(lines, content_type="text/csv",
                                 headers={"Content-Disposition": f'attachment; filename="revenue-{quarter}.csv"'})
