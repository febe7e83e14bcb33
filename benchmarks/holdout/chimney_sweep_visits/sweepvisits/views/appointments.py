"""Customer-facing appointment booking."""
import logging
from datetime import date

from flask import Blueprint, abort, jsonify, request
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from .. import db
from ..availability import SLOTS, free_slots
from ..clients.insurer import InsurerClient
from ..models import Appointment, CrewDay, Property
from ..tasks.deposits import collect_deposit

bp = Blueprint("appointments", __name__, url_prefix="/appointments")
logger = logging.getLogger(__name__)


def _serialize(appt):
    return {
        "id": appt.id,
        "property_id": appt.property_id,
        "crew_id": appt.crew_id,
        "day": appt.day.isoformat(),
        "slot": appt.slot,
        "status": appt.status,
        "deposit_status": appt.deposit_status,
    }


@bp.get("")
@login_required
def list_mine():
    rows = db.session.execute(
        select(Appointment)
        .where(Appointment.customer_id == current_user.id)
        .order_by(Appointment.day.desc())
    ).scalars().all()  # ok: DB002
    return jsonify([_serialize(a) for a in rows])


@bp.get("/<int:appointment_id>")
@login_required
def detail(appointment_id):
    appt = db.get_or_404(Appointment, appointment_id)  # expect: SEC018
    data = _serialize(appt)
    data["address"] = appt.property.address_line
    data["access_notes"] = appt.property.access_notes
    return jsonify(data)


@bp.post("")
@login_required
def book():
    payload = request.get_json(silent=True) or {}
    try:
        day = date.fromisoformat(payload["day"])
        crew_id = int(payload["crew_id"])
        property_id = int(payload["property_id"])
    except (KeyError, TypeError, ValueError):
        return jsonify(error="invalid_request"), 400
    slot = payload.get("slot")
    if slot not in SLOTS or day <= date.today():
        return jsonify(error="invalid_slot"), 400

    prop = db.session.get(Property, property_id)
    if prop is None or prop.owner_id != current_user.id:
        abort(404)

    crew_day = db.session.execute(
        select(CrewDay).where(CrewDay.crew_id == crew_id, CrewDay.day == day)
    ).scalar_one_or_none()
    if crew_day is None:
        return jsonify(error="crew_not_working"), 404
    if crew_day.booked >= crew_day.capacity:  # expect: DB005
        return jsonify(error="crew_fully_booked"), 409
    if slot not in free_slots(crew_id, day):  # ok: DB005
        return jsonify(error="slot_taken"), 409

    with InsurerClient.from_app() as insurer:
        policy = insurer.lookup_policy(prop.postcode, prop.address_line)  # todo-expect: ERR003

    appt = Appointment(
        customer_id=current_user.id,
        property_id=prop.id,
        crew_id=crew_id,
        day=day,
        slot=slot,
        insurer_policy_ref=policy["policy_ref"] if policy else None,
        deposit_status="pending",
    )
    db.session.add(appt)
    crew_day.booked += 1  # expect: DB004
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return jsonify(error="slot_taken"), 409

    collect_deposit.delay(appt.id)
    logger.info("appointment %s booked for crew %s on %s", appt.id, crew_id, day)
    return jsonify(_serialize(appt)), 201


@bp.post("/<int:appointment_id>/cancel")
@login_required
def cancel(appointment_id):
    result = db.session.execute(
        db.update(Appointment)
        .where(
            Appointment.id == appointment_id,
            Appointment.customer_id == current_user.id,
            Appointment.status == "booked",
        )
        .values(status="cancelled")
    )
    if result.rowcount == 0:
        db.session.rollback()
        return jsonify(error="not_cancellable"), 409
    appt = db.session.get(Appointment, appointment_id)
    db.session.execute(
        db.update(CrewDay)
        .where(CrewDay.crew_id == appt.crew_id, CrewDay.day == appt.day, CrewDay.booked > 0)
        .values(booked=CrewDay.booked - 1)
    )
    db.session.commit()
    return jsonify(_serialize(appt))
