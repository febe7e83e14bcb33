"""Free-slot lookups for the booking calendar."""
import time
from datetime import date, timedelta

from flask import Blueprint, abort, jsonify, request
from flask_login import login_required
from sqlalchemy import select

from . import db
from .models import Appointment, Crew, CrewDay

bp = Blueprint("availability", __name__, url_prefix="/availability")

SLOTS = ("08:00", "10:30", "13:00", "15:30")
CACHE_SECONDS = 120
MAX_DAYS = 14

# (crew_id, iso day) -> (stored_at, [free slots])
_free_slot_cache = {}


def free_slots(crew_id, day):
    """Return the slots still free for a crew on a day, cached for a couple of minutes."""
    key = (crew_id, day.isoformat())
    cached = _free_slot_cache.get(key)
    if cached and time.monotonic() - cached[0] < CACHE_SECONDS:
        return cached[1]

    taken = set(
        db.session.execute(
            select(Appointment.slot).where(
                Appointment.crew_id == crew_id,
                Appointment.day == day,
                Appointment.status == "booked",
            )
        ).scalars()
    )
    slots = [slot for slot in SLOTS if slot not in taken]
    _free_slot_cache[key] = (time.monotonic(), slots)  # expect: RES002, SCL001, CON002
    return slots


def _parse_start(raw):
    try:
        start = date.fromisoformat(raw) if raw else date.today()
    except ValueError:
        abort(400, description="from must be YYYY-MM-DD")
    if start < date.today():
        abort(400, description="from must not be in the past")
    return start


@bp.get("")
@login_required
def calendar():
    crew_id = request.args.get("crew_id", type=int)
    if crew_id is None:
        abort(400, description="crew_id is required")
    crew = db.session.get(Crew, crew_id)
    if crew is None or not crew.active:
        abort(404)

    start = _parse_start(request.args.get("from"))
    days = min(request.args.get("days", default=7, type=int), MAX_DAYS)

    open_days = {
        row.day: row
        for row in db.session.execute(
            select(CrewDay).where(
                CrewDay.crew_id == crew_id,
                CrewDay.day >= start,
                CrewDay.day < start + timedelta(days=days),
            )
        ).scalars()
    }

    calendar_days = []
    for offset in range(days):  # ok: DB001
        day = start + timedelta(days=offset)
        crew_day = open_days.get(day)
        if crew_day is None or crew_day.booked >= crew_day.capacity:
            calendar_days.append({"day": day.isoformat(), "slots": []})
            continue
        calendar_days.append({"day": day.isoformat(), "slots": free_slots(crew_id, day)})

    return jsonify(crew=crew.name, days=calendar_days)
