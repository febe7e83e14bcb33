"""Occupancy dashboard, boarding list and the bookings export for the operations team."""
import csv
import io
from datetime import datetime, timedelta, timezone

from flask import Blueprint, Response, jsonify, request, stream_with_context
from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import joinedload, selectinload

from ferry import api_error, db
from ferry.auth import staff_required
from ferry.models import Booking, Sailing, User

bp = Blueprint("occupancy", __name__, url_prefix="/api/ops")

ACTIVE = ("confirmed", "boarded")
MAX_RANGE = timedelta(days=31)


def _date_range():
    start = request.args.get("from", type=datetime.fromisoformat) or datetime.now(timezone.utc)
    end = request.args.get("to", type=datetime.fromisoformat) or start + timedelta(days=7)
    if end <= start or end - start > MAX_RANGE:
        return None
    return start, end


@bp.get("/occupancy")
@staff_required
def occupancy():
    window = _date_range()
    if window is None:
        return api_error("bad_range", "Give a range of at most 31 days", 400)
    page = max(request.args.get("page", 1, type=int), 1)
    per_page = min(request.args.get("per_page", 50, type=int), 200)
    foot = func.coalesce(func.sum(case((Booking.kind == "foot", Booking.passengers), else_=0)), 0)
    stmt = (
        select(Sailing.id, Sailing.departs_at, Sailing.vessel_name, Sailing.foot_capacity,
               Sailing.lane_metres_capacity, Sailing.lane_metres_booked, foot.label("foot_booked"))
        .outerjoin(Booking, and_(Booking.sailing_id == Sailing.id, Booking.status.in_(ACTIVE)))
        .where(Sailing.departs_at >= window[0], Sailing.departs_at < window[1])
        .group_by(Sailing.id)
        .order_by(Sailing.departs_at)
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    rows = db.session.execute(stmt).all()  # ok: DB002
    return jsonify(page=page, per_page=per_page, sailings=[{
        "id": r.id,
        "departs_at": r.departs_at.isoformat(),
        "vessel": r.vessel_name,
        "foot": {"booked": int(r.foot_booked), "capacity": r.foot_capacity},
        "lanes_m": {"booked": float(r.lane_metres_booked), "capacity": float(r.lane_metres_capacity)},
    } for r in rows])


@bp.get("/sailings/<int:sailing_id>/boarding-list")
@staff_required
def boarding_list(sailing_id):
    bookings = db.session.scalars(
        select(Booking)
        .options(joinedload(Booking.user), selectinload(Booking.vehicle))
        .where(Booking.sailing_id == sailing_id, Booking.status.in_(ACTIVE))
        .order_by(Booking.reference)
    ).all()
    return jsonify(bookings=[{
        "reference": b.reference,
        "name": b.user.full_name,
        "passengers": b.passengers,
        "vehicle": b.vehicle.registration if b.vehicle else None,
    } for b in bookings])  # ok: DB001


@bp.get("/exports/bookings.csv")
@staff_required
def export_bookings():
    window = _date_range()
    if window is None:
        return api_error("bad_range", "Give a range of at most 31 days", 400)
    stmt = (
        select(Booking.reference, Booking.kind, Booking.passengers, Booking.status,
               Booking.amount_pence, User.email, Sailing.departs_at)
        .join(User, User.id == Booking.user_id)
        .join(Sailing, Sailing.id == Booking.sailing_id)
        .where(Sailing.departs_at >= window[0], Sailing.departs_at < window[1])
        .order_by(Sailing.departs_at, Booking.id)
        .execution_options(yield_per=1000)
    )

    def generate():
        buf = io.StringIO()
        writer = csv.writer(buf)
        writer.writerow(["reference", "kind", "passengers", "status", "amount_pence", "email", "departs_at"])
        for row in db.session.execute(stmt):
            writer.writerow(row)
            yield buf.getvalue()
            buf.seek(0)
            buf.truncate(0)
        yield buf.getvalue()

    return Response(stream_with_context(generate()), mimetype="text/csv",
                    headers={"Content-Disposition": 'attachment; filename="bookings.csv"'})
