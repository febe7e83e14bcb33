"""Technician workload statistics and the visit export for the accountant."""

import csv
import io
import logging
from datetime import date

from flask import Blueprint, Response, abort, jsonify, request, stream_with_context

from ..auth import admin_required
from ..db import connection, page_args

log = logging.getLogger(__name__)
bp = Blueprint("technician_stats", __name__, url_prefix="/admin/stats")

SORT_COLUMNS = {
    "name": "t.display_name",
    "visits": "visit_count DESC",
    "parts": "parts_cents DESC",
}
EXPORT_FETCH_SIZE = 2000


@bp.get("/technicians")
@admin_required
def technician_stats():
    order_by = SORT_COLUMNS.get(request.args.get("sort", "name"))
    if order_by is None:
        abort(400, description=f"sort must be one of {sorted(SORT_COLUMNS)}")
    limit, offset = page_args(
        request.args.get("page", 1, type=int), request.args.get("per_page", 25, type=int)
    )
    since = date.today().replace(month=1, day=1)
    with connection() as conn:
        rows = conn.execute(f"SELECT t.id, t.display_name, count(DISTINCT v.id) AS visit_count, coalesce(sum(vp.qty * vp.unit_price_cents), 0) AS parts_cents FROM technicians t LEFT JOIN visits v ON v.technician_id = t.id AND v.starts_at >= %s LEFT JOIN visit_parts vp ON vp.visit_id = v.id GROUP BY t.id ORDER BY {order_by} LIMIT %s OFFSET %s", (since, limit, offset)).fetchall()  # ok: SEC001
    return jsonify(since=since.isoformat(), technicians=rows)


def _csv_line(values) -> str:
    buf = io.StringIO()
    csv.writer(buf).writerow(values)
    return buf.getvalue()


@bp.get("/visits.csv")
@admin_required
def export_visits():
    """Every completed visit, streamed; the accountant pulls this once a quarter."""
    try:
        start = date.fromisoformat(request.args["from"])
        end = date.fromisoformat(request.args["to"])
    except (KeyError, ValueError):
        abort(400, description="from and to are required (YYYY-MM-DD)")

    def generate():
        yield _csv_line(["visit_id", "completed_at", "technician", "customer", "invoice", "total_pence"])
        with connection() as conn:
            with conn.cursor(name="visits_export") as cur:
                cur.itersize = EXPORT_FETCH_SIZE
                cur.execute(
                    "SELECT v.id, v.completed_at, t.display_name, c.full_name, i.number, i.total_cents"
                    " FROM visits v JOIN technicians t ON t.id = v.technician_id"
                    " JOIN customers c ON c.id = v.customer_id"
                    " LEFT JOIN invoices i ON i.visit_id = v.id"
                    " WHERE v.status = 'completed' AND v.completed_at >= %s AND v.completed_at < %s"
                    " ORDER BY v.completed_at",
                    (start, end),
                )
                for row in cur:  # ok: DB002
                    yield _csv_line(
                        [row["id"], row["completed_at"].isoformat(), row["display_name"],
                         row["full_name"], row["number"] or "", row["total_cents"] or 0]
                    )
        log.info("visit export %s..%s finished", start, end)

    return Response(
        stream_with_context(generate()),
        mimetype="text/csv",
        headers={"Content-Disposition": f"attachment; filename=visits-{start}-{end}.csv"},
    )
