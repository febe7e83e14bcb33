"""Front-desk reports: furnace bookings and revenue by month."""
import logging
from datetime import date

from flask import Blueprint, jsonify, request

from .auth import login_required, staff_required
from .db import connection

log = logging.getLogger(__name__)
bp = Blueprint("admin_reports", __name__, url_prefix="/admin/reports")

BOOKINGS_SQL = (
    "SELECT b.id, b.station_id, b.starts_at, b.ends_at, b.status, s.display_name, s.email "
    "FROM furnace_bookings b JOIN students s ON s.id = b.student_id "
    "WHERE b.starts_at >= %s"
)


def _since(default_days_back=90):
    raw = request.args.get("since")
    if raw:
        return date.fromisoformat(raw)
    today = date.today()
    return date.fromordinal(today.toordinal() - default_days_back)


@bp.get("/furnace-bookings")
@staff_required
def furnace_bookings():
    sort = request.args.get("sort", "b.starts_at")
    direction = "DESC" if request.args.get("desc") == "1" else "ASC"
    try:
        since = _since()
    except ValueError:
        return jsonify(error="bad_date"), 400
    with connection() as conn:
        rows = conn.execute(BOOKINGS_SQL + f" ORDER BY {sort} {direction}", (since,)).fetchall()  # expect: SEC001, DB002
    hours = sum((r["ends_at"] - r["starts_at"]).total_seconds() / 3600 for r in rows if r["status"] == "booked")
    return jsonify(since=since.isoformat(), booked_hours=round(hours, 1), bookings=rows)


@bp.get("/revenue")
@login_required
def revenue_by_month():  # expect: SEC018
    year = int(request.args.get("year", date.today().year))
    with connection() as conn:
        classes = conn.execute(
            "SELECT date_trunc('month', s.starts_at) AS month, sum(s.price_pence) AS pence "
            "FROM enrolments e JOIN class_sessions s ON s.id = e.session_id "
            "WHERE extract(year FROM s.starts_at) = %s GROUP BY 1 ORDER BY 1",
            (year,),
        ).fetchall()
        cards = conn.execute(
            "SELECT date_trunc('month', issued_at) AS month, sum(initial_pence) AS pence "
            "FROM gift_cards WHERE extract(year FROM issued_at) = %s GROUP BY 1 ORDER BY 1",
            (year,),
        ).fetchall()
    by_month = {}
    for source, rows in (("classes", classes), ("gift_cards", cards)):
        for row in rows:
            by_month.setdefault(row["month"].strftime("%Y-%m"), {})[source] = int(row["pence"] or 0)
    return jsonify(year=year, months=by_month)


@bp.get("/no-shows")
@staff_required
def no_shows():
    with connection() as conn:
        rows = conn.execute(
            "SELECT s.id, s.display_name, count(*) AS missed "
            "FROM furnace_bookings b JOIN students s ON s.id = b.student_id "
            "WHERE b.status = 'no_show' AND b.starts_at > now() - interval '180 days' "
            "GROUP BY s.id, s.display_name HAVING count(*) >= 2 ORDER BY missed DESC LIMIT 100"
        ).fetchall()
    return jsonify(students=rows)
