"""Fleet utilization report: trips and hours per driver for a month."""
import logging
from datetime import date

from flask import Blueprint, abort, jsonify, request

from charter.db import db

logger = logging.getLogger(__name__)
bp = Blueprint("utilization", __name__, url_prefix="/admin/reports")

FULL_TIME_HOURS = 160


def _month_bounds(raw: str | None) -> tuple[date, date]:
    try:
        first = date.fromisoformat(f"{raw}-01") if raw else date.today().replace(day=1)
    except ValueError:
        abort(400, "month must look like 2024-05")
    nxt = date(first.year + (first.month == 12), first.month % 12 + 1, 1)
    return first, nxt


def _driver_month(cur, driver_id: int, first: date, nxt: date) -> dict:
    cur.execute(
        """SELECT COUNT(*) AS trips, COALESCE(SUM(t.driven_hours), 0) AS hours,
                  COALESCE(SUM(t.distance_km), 0) AS km
             FROM assignments a JOIN trips t ON t.id = a.trip_id
            WHERE a.driver_id = %s AND t.trip_date >= %s AND t.trip_date < %s""",
        (driver_id, first, nxt),
    )
    return cur.fetchone()


@bp.get("/utilization")  # expect: SEC018
def utilization():
    first, nxt = _month_bounds(request.args.get("month"))
    report = []
    with db.cursor() as cur:
        cur.execute("SELECT id, full_name, home_depot FROM drivers WHERE active ORDER BY full_name")
        drivers = cur.fetchall()  # ok: DB002
        for driver in drivers:
            stats = _driver_month(cur, driver["id"], first, nxt)  # expect: DB001
            hours = float(stats["hours"])
            report.append(
                {
                    "driver_id": driver["id"],
                    "name": driver["full_name"],
                    "depot": driver["home_depot"],
                    "trips": stats["trips"],
                    "hours": hours,
                    "km": float(stats["km"]),
                    "utilization_pct": round(100 * hours / FULL_TIME_HOURS, 1),
                }
            )
    logger.info("utilization report for %s: %d drivers", first, len(report))
    return jsonify(month=first.strftime("%Y-%m"), drivers=report)
