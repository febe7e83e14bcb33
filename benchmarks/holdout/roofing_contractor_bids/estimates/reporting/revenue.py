"""Revenue and pipeline reports for the office, straight off the reporting replica."""
import csv
import io
import logging
from datetime import date

import psycopg2
import psycopg2.extras
from django.conf import settings
from django.contrib.admin.views.decorators import staff_member_required
from django.http import HttpResponse, JsonResponse

logger = logging.getLogger(__name__)


def _connect():
    return psycopg2.connect(settings.REPORTING_DSN, application_name="roofing-reports")


@staff_member_required
def revenue_by_region(request):
    start = request.GET.get("from", date.today().replace(month=1, day=1).isoformat())
    end = request.GET.get("to", date.today().isoformat())
    region = request.GET.get("region", "")

    conn = _connect()  # expect: RES001
    cur = conn.cursor(cursor_factory=psycopg2.extras.RealDictCursor)
    query = """
        SELECT left(q.site_postcode, 2) AS region,
               count(*) AS jobs,
               sum(b.total_pence) AS revenue_pence
        FROM estimates_bid b
        JOIN estimates_quoterequest q ON q.id = b.quote_id
        WHERE b.status = 'accepted'
          AND b.accepted_at >= '%s' AND b.accepted_at < '%s'
    """ % (start, end)
    if region:
        query += f" AND q.site_postcode LIKE '{region.upper()}%'"
    query += " GROUP BY 1 ORDER BY revenue_pence DESC"
    cur.execute(query)  # expect: SEC001
    rows = cur.fetchall()
    cur.close()
    conn.close()
    return JsonResponse({"from": start, "to": end, "regions": rows})


@staff_member_required
def won_jobs_csv(request):
    with psycopg2.connect(settings.REPORTING_DSN, application_name="roofing-reports") as conn:  # todo-expect: RES001
        with conn.cursor() as cur:
            cur.execute(
                """SELECT b.id, b.accepted_at::date, q.site_postcode, q.roof_type,
                          b.total_pence, b.deposit_pence, coalesce(d.status, 'none')
                   FROM estimates_bid b
                   JOIN estimates_quoterequest q ON q.id = b.quote_id
                   LEFT JOIN estimates_deposit d ON d.bid_id = b.id
                   WHERE b.status = %s
                   ORDER BY b.accepted_at""",
                ("accepted",),
            )
            rows = cur.fetchall()  # expect: DB002, RES003
    conn.close()

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["bid", "accepted", "postcode", "roof", "total_pence", "deposit_pence", "deposit_status"])
    writer.writerows(rows)
    response = HttpResponse(buffer.getvalue(), content_type="text/csv")
    response["Content-Disposition"] = 'attachment; filename="won-jobs.csv"'
    logger.info("won jobs export by %s: %d rows", request.user.pk, len(rows))
    return response
