"""Office reports: revenue by trip, occupancy and the bookings export."""
import csv
import io
import logging
from datetime import date, timedelta

from flask import Blueprint, Response, jsonify, request
from flask_login import current_user, login_required
from sqlalchemy import text

from .. import db
from ..auth import role_required
from ..models import Booking, Trip

bp = Blueprint("reports", __name__, url_prefix="/reports")
logger = logging.getLogger(__name__)


def _date_arg(name, default):
    raw = request.args.get(name)
    if not raw:
        return default
    return date.fromisoformat(raw)


@bp.get("/revenue")
@login_required  # expect: SEC018
def revenue_by_trip():
    try:
        start = _date_arg("from", date.today().replace(month=1, day=1))
        end = _date_arg("to", date.today() + timedelta(days=1))
    except ValueError:
        return jsonify(error="from and to must be ISO dates"), 400
    order = request.args.get("order", "revenue")
    sql = text(
        "SELECT t.id, t.name, t.departs_at, COUNT(b.id) AS bookings, "
        "COALESCE(SUM(b.amount_cents), 0) AS revenue "
        "FROM trips t LEFT JOIN bookings b ON b.trip_id = t.id AND b.status = 'confirmed' "
        "WHERE t.departs_at >= :start AND t.departs_at < :end "
        f"GROUP BY t.id, t.name, t.departs_at ORDER BY {order} DESC"  # expect: SEC001
    )
    rows = db.session.execute(sql, {"start": start, "end": end}).mappings().all()
    logger.info("revenue report %s..%s requested by %s", start, end, current_user.id)
    return jsonify([
        {**row, "departs_at": row["departs_at"].isoformat()} for row in rows
    ])


@bp.get("/occupancy")
@role_required("admin")
def occupancy():
    try:
        day = _date_arg("day", date.today())
    except ValueError:
        return jsonify(error="day must be an ISO date"), 400
    rows = db.session.execute(
        db.select(Trip.id, Trip.name, Trip.capacity, Trip.seats_booked)
        .where(Trip.departs_at >= day, Trip.departs_at < day + timedelta(days=1))
        .order_by(Trip.departs_at)
    ).all()
    return jsonify([
        {"trip_id": r.id, "name": r.name, "capacity": r.capacity, "booked": r.seats_booked}
        for r in rows
    ])


@bp.get("/bookings.csv")
@role_required("admin")
def bookings_csv():
    bookings = db.session.execute(db.select(Booking).order_by(Booking.created_at)).scalars().all()  # expect: DB002
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(["booking_id", "trip_id", "customer_id", "party_size",
                     "amount_cents", "status", "created_at"])
    for b in bookings:
        writer.writerow([b.id, b.trip_id, b.customer_id, b.party_size,
                         b.amount_cents, b.status, b.created_at.isoformat()])
    logger.info("bookings export (%s rows) by %s", len(bookings), current_user.id)
    return Response(
        buf.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": "attachment; filename=bookings.csv"},
    )
