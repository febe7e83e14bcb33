"""CSV export of call-out revenue for the finance team."""
import csv
import io
from datetime import date

from flask import Blueprint, Response, jsonify, request, stream_with_context
from sqlalchemy import text

from ..auth import require_role
from ..models import db

bp = Blueprint("revenue_export", __name__, url_prefix="/api/admin/exports")

SORTABLE = {
    "created": "c.created_at",
    "fee": "c.fee_cents",
    "city": "c.city",
}

EXPORT_SQL = """
SELECT c.id, c.created_at, c.city, c.lockout_type, c.fee_cents,
       p.partner_charge_id, p.status AS payment_status, p.refunded_cents
FROM callouts c
LEFT JOIN payments p ON p.callout_id = c.id
WHERE c.created_at >= :start AND c.created_at < :end
  AND (:city IS NULL OR c.city = :city)
ORDER BY {order_by} {direction}
"""

COLUMNS = ["id", "created_at", "city", "lockout_type", "fee_cents",
           "partner_charge_id", "payment_status", "refunded_cents"]


def _parse_day(value: str | None, name: str) -> date:
    if not value:
        raise ValueError(f"{name} is required (YYYY-MM-DD)")
    return date.fromisoformat(value)


@bp.get("/revenue.csv")
@require_role("finance")
def revenue_csv():
    try:
        start = _parse_day(request.args.get("start"), "start")
        end = _parse_day(request.args.get("end"), "end")
    except ValueError as exc:
        return jsonify(error=str(exc)), 400
    order_by = SORTABLE.get(request.args.get("sort", "created"), "c.created_at")
    direction = "DESC" if request.args.get("dir") == "desc" else "ASC"
    city = request.args.get("city") or None

    sql = text(EXPORT_SQL.format(order_by=order_by, direction=direction))  # ok: SEC001

    def generate():
        buf = io.StringIO()
        writer = csv.writer(buf)
        writer.writerow(COLUMNS)
        result = db.session.execute(
            sql.execution_options(yield_per=500),  # ok: RES003
            {"start": start, "end": end, "city": city},
        )
        for row in result:
            writer.writerow([row._mapping[col] for col in COLUMNS])
            if buf.tell() > 64 * 1024:
                yield buf.getvalue()
                buf.seek(0)
                buf.truncate()
        yield buf.getvalue()

    filename = f"revenue-{start.isoformat()}-{end.isoformat()}.csv"
    return Response(
        stream_with_context(generate()),
        mimetype="text/csv",
        headers={"Content-Disposition": f"attachment; filename={filename}"},
    )
