"""Office tools for crew schedules: add emergency visits and move bookings."""
import logging
from datetime import date

from flask import Blueprint, abort, jsonify, request
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from .. import db
from ..availability import SLOTS
from ..models import Appointment, CrewDay, Property

bp = Blueprint("crew_schedule", __name__, url_prefix="/office/crews")
logger = logging.getLogger(__name__)


def _office_only():
    if current_user.role not in ("office", "admin"):
        abort(403)


def _locked_crew_day(crew_id, day):
    return db.session.execute(
        select(CrewDay).where(CrewDay.crew_id == crew_id, CrewDay.day == day).with_for_update()
    ).scalar_one_or_none()


@bp.get("/<int:crew_id>/days/<day>")
@login_required
def day_schedule(crew_id, day):
    _office_only()
    visits = db.session.execute(
        select(Appointment)
        .options(selectinload(Appointment.property), selectinload(Appointment.customer))
        .where(Appointment.crew_id == crew_id, Appointment.day == date.fromisoformat(day))
        .order_by(Appointment.slot)
    ).scalars().all()
    return jsonify(
        [
            {
                "id": v.id,
                "slot": v.slot,
                "status": v.status,
                "address": v.property.address_line,
                "customer": v.customer.full_name,
            }
            for v in visits  # ok: DB001
        ]
    )


@bp.post("/<int:crew_id>/days/<day>/visits")
@login_required
def add_visit(crew_id, day):
    """Book a visit on behalf of a customer who phoned in."""
    _office_only()
    payload = request.get_json(silent=True) or {}
    slot = payload.get("slot")
    prop = db.session.get(Property, payload.get("property_id"))
    if prop is None or slot not in SLOTS:
        return jsonify(error="invalid_request"), 400

    crew_day = _locked_crew_day(crew_id, date.fromisoformat(day))
    if crew_day is None:
        return jsonify(error="crew_not_working"), 404
    if crew_day.booked >= crew_day.capacity:  # ok: DB005
        db.session.rollback()
        return jsonify(error="crew_fully_booked"), 409

    appt = Appointment(
        customer_id=prop.owner_id,
        property_id=prop.id,
        crew_id=crew_id,
        day=crew_day.day,
        slot=slot,
        deposit_status="waived",
    )
    db.session.add(appt)
    crew_day.booked += 1  # ok: DB004
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return jsonify(error="slot_taken"), 409
    logger.info("office user %s added appointment %s", current_user.id, appt.id)
    return jsonify(id=appt.id), 201


@bp.post("/appointments/<int:appointment_id>/move")
@login_required
def move_visit(appointment_id):
    _office_only()
    payload = request.get_json(silent=True) or {}
    appt = db.session.execute(
        select(Appointment).where(Appointment.id == appointment_id).with_for_update()
    ).scalar_one_or_none()
    if appt is None or appt.status != "booked":
        abort(404)
    target_day = date.fromisoformat(payload["day"])
    target_crew = int(payload.get("crew_id", appt.crew_id))

    # Lock both crew days in a stable order so two moves cannot deadlock.
    days = db.session.execute(
        select(CrewDay)
        .where(
            ((CrewDay.crew_id == appt.crew_id) & (CrewDay.day == appt.day))
            | ((CrewDay.crew_id == target_crew) & (CrewDay.day == target_day))
        )
        .order_by(CrewDay.id)
        .with_for_update()
    ).scalars().all()
    by_key = {(d.crew_id, d.day): d for d in days}
    source, target = by_key.get((appt.crew_id, appt.day)), by_key.get((target_crew, target_day))
    if target is None or (target is not source and target.booked >= target.capacity):
        db.session.rollback()
        return jsonify(error="target_full"), 409

    if target is not source:
        if source is not None:
            source.booked -= 1
        target.booked += 1
    appt.crew_id, appt.day = target_crew, target_day
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return jsonify(error="slot_taken_on_target_day"), 409
    return jsonify(id=appt.id, crew_id=appt.crew_id, day=appt.day.isoformat())
