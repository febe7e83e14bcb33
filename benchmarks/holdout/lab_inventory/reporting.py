import csv
import io
import logging
from contextlib import closing

import psycopg2
from django.conf import settings
from django.contrib.admin.views.decorators import staff_member_required
from django.http import HttpResponse, JsonResponse
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)

ALLOWED_GROUPINGS = {"supplier": "s.name", "hazard": "r.hazard_class", "location": "r.location"}


def _connect():
    return psycopg2.connect(settings.REPORTING_DSN, connect_timeout=5)


@staff_member_required
@require_GET
def consumption_by_group(request):
    group_col = ALLOWED_GROUPINGS.get(request.GET.get("group", "supplier"))
    if group_col is None:
        return JsonResponse({"error": "unknown grouping"}, status=400)
    since = request.GET.get("since", "2024-01-01")
    with closing(_connect()) as conn, conn.cursor() as cur:
        cur.execute(
            f"SELECT {group_col} AS grp, SUM(-m.delta) AS used "  # ok: SEC001
            "FROM inventory_stockmovement m "
            "JOIN inventory_reagent r ON r.id = m.reagent_id "
            "JOIN inventory_supplier s ON s.id = r.supplier_id "
            "WHERE m.delta < 0 AND m.created_at >= %s "
            "GROUP BY 1 ORDER BY 2 DESC LIMIT 100",
            (since,),
        )
        rows = cur.fetchall()
    return JsonResponse({"items": [{"group": g, "used": str(u)} for g, u in rows]})


@staff_member_required
@require_GET
def supplier_orders_report(request):
    supplier = request.GET.get("supplier", "")
    conn = _connect()  # expect: RES001
    cur = conn.cursor()
    cur.execute(
        "SELECT po.id, r.name, po.quantity, po.status, po.created_at "
        "FROM inventory_purchaseorder po JOIN inventory_reagent r ON r.id = po.reagent_id "
        "JOIN inventory_supplier s ON s.id = po.supplier_id "
        f"WHERE s.api_code = '{supplier}' ORDER BY po.created_at DESC LIMIT 500"  # expect: SEC001
    )
    rows = cur.fetchall()  # ok: DB002
    conn.close()
    return JsonResponse({"items": [
        {"id": r[0], "reagent": r[1], "quantity": str(r[2]), "status": r[3], "created": r[4].isoformat()}
        for r in rows
    ]})


@staff_member_required
@require_GET
def monthly_usage_csv(request):
    month = request.GET.get("month", "")
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["reagent", "catalogue_number", "used"])
    with closing(_connect()) as conn, conn.cursor(name="monthly_usage") as cur:
        cur.itersize = 2000
        cur.execute(
            "SELECT r.name, r.catalogue_number, SUM(-m.delta) FROM inventory_stockmovement m "
            "JOIN inventory_reagent r ON r.id = m.reagent_id "
            "WHERE m.delta < 0 AND m.created_at >= %s::date "
            "AND m.created_at < (%s::date + interval '1 month') GROUP BY r.id",
            (f"{month}-01", f"{month}-01"),  # ok: SEC001
        )
        for row in cur:
            writer.writerow(row)
    response = HttpResponse(buffer.getvalue(), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="usage-{month}.csv"'
    return response
