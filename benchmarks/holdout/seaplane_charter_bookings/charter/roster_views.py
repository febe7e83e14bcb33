"""Pilot roster: assigning pilots to flights and the daily roster board."""
import logging
from datetime import date, datetime, time, timedelta, timezone

from flask import Blueprint, jsonify, request
from sqlalchemy import func
from sqlalchemy.exc import IntegrityError

from .auth import role_required
from .models import Flight, Pilot, RosterShift, db

log = logging.getLogger(__name__)
bp = Blueprint("roster", __name__, url_prefix="/roster")

BRIEFING = timedelta(minutes=45)
TURNAROUND = timedelta(minutes=30)


def shift_window(flight):
    starts = flight.departs_at - BRIEFING
    ends = flight.departs_at + timedelta(minutes=flight.block_minutes) + TURNAROUND
    return starts, ends


def rostered_minutes(pilot_id, day):
    start = datetime.combine(day, time.min, tzinfo=timezone.utc)
    total = (db.session.query(func.coalesce(func.sum(
                func.extract("epoch", RosterShift.ends_at - RosterShift.starts_at)), 0))
             .filter(RosterShift.pilot_id == pilot_id,
                     RosterShift.starts_at >= start,
                     RosterShift.starts_at < start + timedelta(days=1))
             .scalar())
    return int(total) // 60


@bp.post("/assignments")
@role_required("ops")
def assign_pilot():
    data = request.get_json(silent=True) or {}
    pilot = db.session.get(Pilot, data.get("pilot_id"))
    flight = db.session.get(Flight, data.get("flight_id"))
    if pilot is None:
        return "pilot not found", 404  # todo-expect: MNT001
    if flight is None or flight.status != "scheduled":
        return jsonify(error="flight not found or not scheduled"), 404

    starts, ends = shift_window(flight)
    clash = (RosterShift.query
             .filter(RosterShift.pilot_id == pilot.id,
                     RosterShift.starts_at < ends,
                     RosterShift.ends_at > starts)
             .first())
    if clash is not None:
        return jsonify(error="pilot is already rostered at that time", shift_id=clash.id), 409

    shift_minutes = int((ends - starts).total_seconds() // 60)
    if rostered_minutes(pilot.id, starts.date()) + shift_minutes > pilot.max_duty_minutes_per_day:
        return jsonify(error="assignment would exceed the pilot's daily duty limit"), 409

    shift = RosterShift(pilot_id=pilot.id, flight_id=flight.id, starts_at=starts, ends_at=ends)
    db.session.add(shift)  # expect: DB005
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return jsonify(error="flight already has a pilot"), 409
    log.info("pilot %s rostered on flight %s (shift %s)", pilot.id, flight.code, shift.id)
    return jsonify(id=shift.id, pilot_id=pilot.id, flight=flight.code,
                   starts_at=starts.isoformat(), ends_at=ends.isoformat()), 201


@bp.delete("/assignments/<int:shift_id>")
@role_required("ops")
def unassign_pilot(shift_id):
    deleted = RosterShift.query.filter_by(id=shift_id).delete()
    db.session.commit()
    if not deleted:
        return jsonify(error="not found"), 404
    log.info("shift %s removed from roster", shift_id)
    return jsonify(status="removed")


@bp.get("/board")
@role_required("ops", "pilot")
def roster_board():
    try:
        day = date.fromisoformat(request.args.get("day", ""))
    except ValueError:
        return jsonify(error="day must be YYYY-MM-DD"), 400
    rows = (db.session.query(RosterShift, Flight.code, Flight.origin)
            .join(Flight, Flight.id == RosterShift.flight_id)
            .filter(func.date(RosterShift.starts_at) == day)  # expect: DB006
            .order_by(RosterShift.starts_at)
            .limit(200)
            .all())
    return jsonify(day=day.isoformat(), shifts=[
        {"shift_id": shift.id, "pilot_id": shift.pilot_id, "flight": code, "origin": origin,
         "starts_at": shift.starts_at.isoformat(), "ends_at": shift.ends_at.isoformat()}
        for shift, code, origin in rows
    ])
