"""Back-office reports and fleet controls for the charter office."""
import csv
import io
import logging
from datetime import date

from flask import Blueprint, Response, g, jsonify, request, stream_with_context
from psycopg import sql

from .auth import admin_required
from .db import get_conn

logger = logging.getLogger(__name__)
bp = Blueprint("admin", __name__, url_prefix="/admin")

REVENUE_GROUPS = {"boat": "bo.name", "marina": "bo.home_marina", "month": "date_trunc('month', b.starts_at)"}
EXPORT_COLUMNS = ["id", "boat_id", "customer_id", "starts_at", "ends_at", "party_size", "total_cents", "status"]


def _date_arg(name, default):
    try:
        return date.fromisoformat(request.args.get(name, ""))
    except ValueError:
        return default


@bp.get("/revenue")
@admin_required
def revenue():
    group = request.args.get("group", "boat")
    if group not in REVENUE_GROUPS:
        return jsonify({"error": f"group must be one of {sorted(REVENUE_GROUPS)}"}), 422
    start = _date_arg("from", date.today().replace(day=1))
    end = _date_arg("to", date.today())
    query = sql.SQL(
        "SELECT {grp} AS bucket, count(*) AS trips, sum(b.total_cents) AS revenue_cents "
        "FROM bookings b JOIN boats bo ON bo.id = b.boat_id "
        "WHERE b.status = 'confirmed' AND b.starts_at >= %s AND b.starts_at < %s "
        "GROUP BY 1 ORDER BY 1"
    ).format(grp=sql.SQL(REVENUE_GROUPS[group]))  # ok: SEC001
    with get_conn() as conn:
        rows = conn.execute(query, (start, end)).fetchall()
    return jsonify({"group": group, "from": start.isoformat(), "to": end.isoformat(), "rows": rows})


@bp.get("/bookings.csv")
@admin_required
def export_bookings():
    start = _date_arg("from", date(date.today().year, 1, 1))
    user_id = g.user["id"]

    def generate():
        buf = io.StringIO()
        writer = csv.writer(buf)
        writer.writerow(EXPORT_COLUMNS)
        with get_conn() as conn:
            with conn.cursor(name="bookings_export") as cur:  # ok: DB002, RES003
                cur.itersize = 2000
                cur.execute(
                    "SELECT id, boat_id, customer_id, starts_at, ends_at, party_size, total_cents, status "
                    "FROM bookings WHERE starts_at >= %s ORDER BY starts_at",
                    (start,),
                )
                for row in cur:
                    writer.writerow([row[c] for c in EXPORT_COLUMNS])
                    if buf.tell() > 64 * 1024:
                        yield buf.getvalue()
                        buf.seek(0)
                        buf.truncate()
        yield buf.getvalue()
        logger.info("bookings export finished from=%s admin=%s", start, user_id)

    return Response(
        stream_with_context(generate()),
        mimetype="text/csv",
        headers={"Content-Disposition": f"attachment; filename=bookings-since-{start}.csv"},
    )


@bp.post("/boats/<int:boat_id>/active")
@admin_required
def set_boat_active(boat_id):
    active = bool((request.get_json(silent=True) or {}).get("active", False))
    with get_conn() as conn:
        row = conn.execute(
            "UPDATE boats SET active = %s WHERE id = %s RETURNING id, name, active", (active, boat_id)
        ).fetchone()
        conn.commit()
    if row is None:
        return jsonify({"error": "boat not found"}), 404
    logger.info("boat %s active=%s by admin=%s", boat_id, active, g.user["id"])
    return jsonify(row)
