"""Revenue per flight for the accountant, streamed as CSV."""
import csv
import io
import logging
from datetime import date, datetime, time, timedelta, timezone

from flask import Blueprint, Response, jsonify, request, stream_with_context
from sqlalchemy import and_, func, select

from .auth import role_required
from .models import Booking, Flight, db

log = logging.getLogger(__name__)
bp = Blueprint("revenue", __name__, url_prefix="/ops/revenue")

MAX_RANGE = timedelta(days=92)
HEADER = ["flight", "departs_utc", "origin", "destination", "status", "bookings", "revenue_cents", "load_kg"]


def _range():
    try:
        start = date.fromisoformat(request.args["from"])
        end = date.fromisoformat(request.args["to"])
    except (KeyError, ValueError):
        return None
    if end <= start or end - start > MAX_RANGE:
        return None
    return (datetime.combine(start, time.min, tzinfo=timezone.utc),
            datetime.combine(end, time.min, tzinfo=timezone.utc))


def _per_flight(start, end):
    confirmed = and_(Booking.flight_id == Flight.id, Booking.status == "confirmed")
    return (select(Flight.code, Flight.departs_at, Flight.origin, Flight.destination, Flight.status,
                   func.count(Booking.id),
                   func.coalesce(func.sum(Booking.amount_cents), 0),
                   func.coalesce(func.sum(Booking.load_kg), 0))
            .select_from(Flight)
            .outerjoin(Booking, confirmed)
            .where(Flight.departs_at >= start, Flight.departs_at < end)
            .group_by(Flight.id)
            .order_by(Flight.departs_at))


@bp.get("/flights.csv")
@role_required("ops")
def flights_csv():
    window = _range()
    if window is None:
        return jsonify(error="from/to must be dates at most 92 days apart"), 400
    stmt = _per_flight(*window)

    def generate():
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(HEADER)
        rows = db.session.execute(stmt, execution_options={"yield_per": 500})
        for code, departs, origin, dest, status, count, revenue, load in rows:  # ok: DB001
            writer.writerow([code, departs.isoformat(), origin, dest, status, count, revenue, load])
            if buffer.tell() > 64 * 1024:
                yield buffer.getvalue()
                buffer.seek(0)
                buffer.truncate()
        yield buffer.getvalue()

    name = f"revenue-{window[0]:%Y%m%d}-{window[1]:%Y%m%d}.csv"
    log.info("streaming %s", name)
    return Response(stream_with_context(generate()), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.get("/summary")
@role_required("ops")
def summary():
    window = _range()
    if window is None:
        return jsonify(error="from/to must be dates at most 92 days apart"), 400
    start, end = window
    bookings, revenue, refunded = db.session.execute(
        select(func.count(Booking.id),
               func.coalesce(func.sum(Booking.amount_cents).filter(Booking.status == "confirmed"), 0),
               func.count(Booking.id).filter(Booking.status == "refunded"))
        .join(Flight, Flight.id == Booking.flight_id)
        .where(Flight.departs_at >= start, Flight.departs_at < end)).one()
    return jsonify(bookings=bookings, revenue_cents=int(revenue), refunded_bookings=refunded)
