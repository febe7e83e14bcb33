"""Open-access furnace time: students with a credit pack book glory-hole stations by the hour."""
import logging
from datetime import datetime, timedelta, timezone

from flask import Blueprint, current_app, g, jsonify, request

from .auth import login_required
from .db import connection

log = logging.getLogger(__name__)
bp = Blueprint("furnace", __name__, url_prefix="/furnace")

MAX_HOURS_PER_BOOKING = 4
OPENING_HOUR, CLOSING_HOUR = 9, 21


def _parse_slot(data):
    start = datetime.fromisoformat(data["start"])
    if start.tzinfo is None:
        start = start.replace(tzinfo=timezone.utc)
    hours = int(data.get("hours", 1))
    if not 1 <= hours <= MAX_HOURS_PER_BOOKING:
        raise ValueError("hours out of range")
    if start.minute or start.second:
        raise ValueError("bookings start on the hour")
    if start.hour < OPENING_HOUR or start.hour + hours > CLOSING_HOUR:
        raise ValueError("outside opening hours")
    return int(data["station_id"]), start, start + timedelta(hours=hours), hours


@bp.post("/bookings")
@login_required
def book_station():
    try:
        station_id, start, end, hours = _parse_slot(request.get_json(force=True))
    except (KeyError, ValueError) as exc:
        return jsonify(error="invalid_slot", detail=str(exc)), 400

    with connection() as conn:
        credits = conn.execute(
            "SELECT hours_remaining FROM furnace_credits WHERE student_id = %s", (g.student_id,)
        ).fetchone()
        if credits is None or credits["hours_remaining"] < hours:
            return jsonify(error="insufficient_credit"), 402

        clash = conn.execute(
            "SELECT 1 FROM furnace_bookings WHERE station_id = %s AND status = 'booked' "
            "AND tstzrange(starts_at, ends_at) && tstzrange(%s, %s) LIMIT 1",
            (station_id, start, end),
        ).fetchone()
        if clash:
            return jsonify(error="station_taken"), 409

        booking = conn.execute(  # expect: DB005
            "INSERT INTO furnace_bookings (station_id, student_id, starts_at, ends_at, status) "
            "VALUES (%s, %s, %s, %s, 'booked') RETURNING id",
            (station_id, g.student_id, start, end),
        ).fetchone()
        remaining = credits["hours_remaining"] - hours
        conn.execute("UPDATE furnace_credits SET hours_remaining = %s WHERE student_id = %s", (remaining, g.student_id))  # expect: DB004

    log.info("furnace booking %s station=%s student=%s", booking["id"], station_id, g.student_id)
    return jsonify(booking_id=booking["id"], hours_remaining=remaining), 201


@bp.post("/bookings/<int:booking_id>/cancel")
@login_required
def cancel_booking(booking_id):
    late_cutoff = timedelta(hours=current_app.config["FURNACE_LATE_CANCEL_HOURS"])
    with connection() as conn:
        booking = conn.execute(  # expect: SEC018
            "UPDATE furnace_bookings SET status = 'cancelled', cancelled_at = now() "
            "WHERE id = %s AND status = 'booked' RETURNING student_id, starts_at, ends_at",
            (booking_id,),
        ).fetchone()
        if booking is None:
            return jsonify(error="not_found"), 404
        refunded = 0
        if booking["starts_at"] - datetime.now(timezone.utc) >= late_cutoff:
            refunded = int((booking["ends_at"] - booking["starts_at"]).total_seconds() // 3600)
            conn.execute(  # ok: DB004
                "UPDATE furnace_credits SET hours_remaining = hours_remaining + %s WHERE student_id = %s",
                (refunded, booking["student_id"]),
            )
    log.info("furnace booking %s cancelled, %s hours refunded", booking_id, refunded)
    return jsonify(status="cancelled", hours_refunded=refunded)


@bp.get("/bookings/mine")
@login_required
def my_bookings():
    with connection() as conn:
        rows = conn.execute(
            "SELECT id, station_id, starts_at, ends_at, status FROM furnace_bookings "
            "WHERE student_id = %s AND starts_at > now() - interval '7 days' ORDER BY starts_at LIMIT 50",
            (g.student_id,),
        ).fetchall()
    return jsonify(bookings=rows)
