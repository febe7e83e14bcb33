"""Monthly revenue and per-driver summary for the office, plus a CSV of the month's trips."""
import csv
import io
import logging
from datetime import date

from flask import Blueprint, Response, abort, g, jsonify, request, stream_with_context

from charter.auth import staff_required
from charter.db import db

logger = logging.getLogger(__name__)
bp = Blueprint("monthly", __name__, url_prefix="/admin/reports")


def _month(raw: str | None) -> tuple[date, date]:
    try:
        first = date.fromisoformat(f"{raw}-01") if raw else date.today().replace(day=1)
    except ValueError:
        abort(400, "month must look like 2024-05")
    return first, date(first.year + (first.month == 12), first.month % 12 + 1, 1)


@bp.get("/monthly")
@staff_required
def monthly_summary():
    first, nxt = _month(request.args.get("month"))
    with db.cursor() as cur:
        cur.execute(
            """SELECT d.id AS driver_id, d.full_name,
                      COUNT(t.id) AS trips,
                      COALESCE(SUM(t.driven_hours), 0) AS hours,
                      COALESCE(SUM(q.total_cents), 0) AS revenue_cents
                 FROM drivers d
                 LEFT JOIN assignments a ON a.driver_id = d.id
                 LEFT JOIN trips t ON t.id = a.trip_id AND t.trip_date >= %s AND t.trip_date < %s
                 LEFT JOIN quotes q ON q.id = t.quote_id
                WHERE d.active
                GROUP BY d.id, d.full_name
                ORDER BY revenue_cents DESC
                LIMIT 500""",
            (first, nxt),
        )
        drivers = cur.fetchall()
    total = sum(r["revenue_cents"] for r in drivers)
    logger.info("monthly summary %s requested by staff %s", first, g.staff["id"])
    return jsonify(month=first.strftime("%Y-%m"), revenue_cents=total, drivers=drivers)


@bp.get("/monthly/trips.csv")
@staff_required
def monthly_trips_csv():
    first, nxt = _month(request.args.get("month"))

    def generate():
        buf = io.StringIO()
        writer = csv.writer(buf)
        writer.writerow(["trip_id", "trip_date", "driver", "hours", "km", "quote_total"])
        yield buf.getvalue()
        with db.connection() as conn:
            with conn.cursor(name="monthly_trips_export") as cur:  # server-side cursor
                cur.itersize = 2000
                cur.execute(
                    """SELECT t.id, t.trip_date, d.full_name, t.driven_hours, t.distance_km, q.total_cents
                         FROM trips t
                         JOIN assignments a ON a.trip_id = t.id
                         JOIN drivers d ON d.id = a.driver_id
                         JOIN quotes q ON q.id = t.quote_id
                        WHERE t.trip_date >= %s AND t.trip_date < %s
                        ORDER BY t.trip_date, t.id""",
                    (first, nxt),
                )
                for row in cur:  # ok: RES003
                    buf.seek(0)
                    buf.truncate()
                    writer.writerow(
                        [row["id"], row["trip_date"], row["full_name"], row["driven_hours"],
                         row["distance_km"], row["total_cents"] / 100]
                    )
                    yield buf.getvalue()

    return Response(
        stream_with_context(generate()),
        mimetype="text/csv",
        headers={"Content-Disposition": f"attachment; filename=trips-{first:%Y-%m}.csv"},
    )
