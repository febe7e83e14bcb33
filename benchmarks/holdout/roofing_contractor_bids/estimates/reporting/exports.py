"""Report endpoints that read the replica with bound parameters and streamed cursors."""
import csv
import logging
from contextlib import contextmanager
from datetime import date

import psycopg2
from django.conf import settings
from django.contrib.admin.views.decorators import staff_member_required
from django.http import JsonResponse, StreamingHttpResponse
from psycopg2 import sql
from psycopg2.extras import RealDictCursor

logger = logging.getLogger(__name__)

SORT_COLUMNS = {"revenue": "revenue_pence", "jobs": "jobs", "region": "region"}


@contextmanager
def replica_cursor(name=None, **cursor_kwargs):
    conn = psycopg2.connect(settings.REPORTING_DSN, application_name="roofing-reports")
    try:
        with conn:
            with conn.cursor(name=name, **cursor_kwargs) as cur:
                yield cur
    finally:
        conn.close()  # ok: RES001


def _date_arg(request, name, default):
    try:
        return date.fromisoformat(request.GET.get(name, default.isoformat()))
    except ValueError:
        return default


@staff_member_required
def revenue_summary(request):
    today = date.today()
    start = _date_arg(request, "from", today.replace(month=1, day=1))
    end = _date_arg(request, "to", today)
    region = request.GET.get("region", "").strip().upper()[:4]
    order_column = SORT_COLUMNS.get(request.GET.get("sort", "revenue"), "revenue_pence")
    query = sql.SQL("""
        SELECT left(q.site_postcode, 2) AS region, count(*) AS jobs, sum(b.total_pence) AS revenue_pence
        FROM estimates_bid b JOIN estimates_quoterequest q ON q.id = b.quote_id
        WHERE b.status = 'accepted' AND b.accepted_at >= %s AND b.accepted_at < %s
          AND (%s = '' OR q.site_postcode LIKE %s)
        GROUP BY 1 ORDER BY {} DESC LIMIT 200
    """).format(sql.Identifier(order_column))
    with replica_cursor(cursor_factory=RealDictCursor) as cur:
        cur.execute(query, (start, end, region, region + "%"))  # ok: SEC001
        rows = cur.fetchall()  # ok: DB002
    return JsonResponse({"from": start.isoformat(), "to": end.isoformat(), "regions": rows})


class _Echo:
    def write(self, value):
        return value


@staff_member_required
def won_jobs_export(request):
    since = _date_arg(request, "since", date.today().replace(month=1, day=1))
    writer = csv.writer(_Echo())

    def rows():
        yield writer.writerow(["bid", "accepted", "postcode", "roof", "total_pence", "deposit_pence"])
        with replica_cursor(name="won_jobs_export") as cur:
            cur.itersize = 2000
            cur.execute(
                """SELECT b.id, b.accepted_at::date, q.site_postcode, q.roof_type, b.total_pence, b.deposit_pence
                   FROM estimates_bid b JOIN estimates_quoterequest q ON q.id = b.quote_id
                   WHERE b.status = 'accepted' AND b.accepted_at >= %s ORDER BY b.accepted_at""",
                (since,),
            )
            for record in cur:  # ok: RES003, DB002
                yield writer.writerow(record)

    logger.info("won jobs export started by %s since %s", request.user.pk, since)
    response = StreamingHttpResponse(rows(), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="won-jobs-{since}.csv"'
    return response
