"""Guide manifests: who is on which trip today, and the season summary."""
import logging
from datetime import date, timedelta

from flask import Blueprint, jsonify, request
from flask_login import current_user
from sqlalchemy import select, text
from sqlalchemy.orm import joinedload, selectinload

from .. import db
from ..auth import role_required
from ..models import Booking, Guide, Trip

bp = Blueprint("manifests", __name__, url_prefix="/manifests")
logger = logging.getLogger(__name__)

SUMMARY_SORTS = {
    "departs": "t.departs_at",
    "name": "t.name",
    "section": "t.river_section",
    "fill": "fill_rate",
}


@bp.get("/<day>")
@role_required("guide", "admin")
def day_manifest(day):
    try:
        start = date.fromisoformat(day)
    except ValueError:
        return jsonify(error="day must be an ISO date"), 400
    query = (
        select(Trip)
        .where(Trip.departs_at >= start, Trip.departs_at < start + timedelta(days=1))
        .options(
            joinedload(Trip.guide),
            selectinload(Trip.bookings).joinedload(Booking.customer),
        )
        .order_by(Trip.departs_at)
    )
    if current_user.role == "guide":
        query = query.join(Guide, Guide.id == Trip.guide_id).where(Guide.customer_id == current_user.id)
    trips = db.session.execute(query).unique().scalars().all()

    manifest = []
    for trip in trips:
        paddlers = [  # ok: DB001
            {"name": b.customer.full_name, "phone": b.customer.phone, "party_size": b.party_size}
            for b in trip.bookings
            if b.status == "confirmed"
        ]
        manifest.append({
            "trip_id": trip.id,
            "name": trip.name,
            "departs_at": trip.departs_at.isoformat(),
            "guide": trip.guide.display_name if trip.guide else None,
            "paddlers": paddlers,
        })
    return jsonify(manifest)


@bp.get("/summary")
@role_required("admin")
def season_summary():
    sort_column = SUMMARY_SORTS.get(request.args.get("sort", "departs"))
    if sort_column is None:
        return jsonify(error=f"sort must be one of {sorted(SUMMARY_SORTS)}"), 400
    year = request.args.get("year", date.today().year, type=int)
    sql = text(
        "SELECT t.id, t.name, t.river_section, t.departs_at, t.capacity, t.seats_booked, "
        "ROUND(100.0 * t.seats_booked / NULLIF(t.capacity, 0), 1) AS fill_rate "
        "FROM trips t WHERE t.departs_at >= :start AND t.departs_at < :end "
        f"ORDER BY {sort_column} LIMIT 500"  # ok: SEC001
    )
    rows = db.session.execute(
        sql, {"start": date(year, 1, 1), "end": date(year + 1, 1, 1)}
    ).mappings().all()
    return jsonify([{**row, "departs_at": row["departs_at"].isoformat()} for row in rows])
