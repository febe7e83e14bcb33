"""No-show report: jurors who responded but never checked in, sortable by the clerk."""
import logging
from contextlib import closing
from datetime import date, timedelta

import psycopg2
from django.conf import settings
from django.contrib.auth.decorators import permission_required
from django.http import JsonResponse
from django.views.decorators.http import require_GET
from psycopg2 import sql

logger = logging.getLogger(__name__)

SORTABLE = {
    "date": "s.service_date",
    "court": "c.name",
    "name": "j.last_name",
}
PAGE_SIZE = 100


def _dsn():
    db = settings.DATABASES["default"]
    return {
        "dbname": db["NAME"], "user": db["USER"], "password": db["PASSWORD"],
        "host": db["HOST"], "port": db["PORT"], "connect_timeout": 5,
    }


@permission_required("summons.view_summons", raise_exception=True)
@require_GET
def no_shows(request):
    sort_key = request.GET.get("sort", "date")
    order_col = SORTABLE.get(sort_key, SORTABLE["date"])
    direction = "DESC" if request.GET.get("dir") == "desc" else "ASC"
    since = date.today() - timedelta(days=int(request.GET.get("days", "30") or 30))
    page = max(int(request.GET.get("page", "1") or 1), 1)

    query = sql.SQL(
        """
        SELECT s.badge_number, j.last_name, j.first_name, c.name, s.service_date
        FROM summons_summons s
        JOIN summons_juror j ON j.id = s.juror_id
        JOIN summons_court c ON c.id = s.court_id
        LEFT JOIN summons_attendancerecord a ON a.summons_id = s.id
        WHERE s.status = 'responded' AND s.service_date >= %s AND s.service_date < CURRENT_DATE
          AND a.id IS NULL
        ORDER BY {order} {direction}
        LIMIT %s OFFSET %s
        """
    ).format(order=sql.SQL(order_col), direction=sql.SQL(direction))  # ok: SEC001

    with closing(psycopg2.connect(**_dsn())) as conn, conn.cursor() as cur:  # ok: RES001
        cur.execute(query, (since, PAGE_SIZE, (page - 1) * PAGE_SIZE))
        rows = cur.fetchall()  # ok: DB002

    logger.info("no-show report since=%s page=%s rows=%s user=%s", since, page, len(rows), request.user.pk)
    return JsonResponse({
        "since": since.isoformat(),
        "page": page,
        "results": [
            {"badge": b, "name": f"{ln}, {fn}", "court": court, "service_date": d.isoformat()}
            for b, ln, fn, court, d in rows
        ],
    })
