"""HTTP endpoints that reserve clinic slots and queue visit confirmations."""

import logging
from datetime import datetime, timedelta

from flask import Blueprint, abort, jsonify, request
from flask_login import current_user, login_required
from sqlalchemy.exc import IntegrityError

from .models import Appointment, Doctor, OutboxMessage, Slot, db

bp = Blueprint("reservations", __name__, url_prefix="/reservations")
logger = logging.getLogger(__name__)

VISIT_MINUTES = 20
PAGE_SIZE = 50


def _parse_booking(payload: dict) -> tuple[int, int, datetime, str]:
    missing = [key for key in ("patient_id", "doctor_id", "starts_at", "phone") if not payload.get(key)]
    if missing:
        abort(400, description=f"missing fields: {', '.join(missing)}")
    try:
        starts_at = datetime.fromisoformat(payload["starts_at"])
    except ValueError:  # ok: ERR001
        abort(400, description="starts_at must be an ISO 8601 timestamp")
    return int(payload["patient_id"]), int(payload["doctor_id"]), starts_at, payload["phone"]


@bp.post("")
@login_required
def reserve_slot():
    patient_id, doctor_id, starts_at, phone = _parse_booking(request.get_json(force=True))
    doctor = db.get_or_404(Doctor, doctor_id)

    open_slot = Slot.query.filter(Slot.doctor_id == doctor.id, Slot.day == starts_at.date(), Slot.free_visits > 0)
    claimed = open_slot.update({Slot.free_visits: Slot.free_visits - 1}, synchronize_session=False)  # ok: DB004
    if claimed == 0:  # ok: DB005
        db.session.rollback()
        return jsonify(error="doctor is fully booked that day"), 409

    appointment = Appointment(
        doctor_id=doctor.id,
        patient_id=patient_id,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=VISIT_MINUTES),
    )
    db.session.add(appointment)
    db.session.add(
        OutboxMessage(
            topic="sms.confirmation",
            payload={"to": phone, "doctor": doctor.name, "starts_at": starts_at.isoformat()},
        )
    )
    try:
        db.session.commit()
    except IntegrityError:
        # uq_appointment_doctor_start rejects a second booking of the same start time
        db.session.rollback()
        return jsonify(error="slot already booked"), 409
    logger.info("appointment %s reserved doctor=%s patient=%s", appointment.id, doctor.id, patient_id)
    return jsonify(id=appointment.id, starts_at=starts_at.isoformat()), 201


@bp.get("/doctor/<int:doctor_id>")
@login_required
def doctor_agenda(doctor_id: int):
    page = max(int(request.args.get("page", 0)), 0)
    query = Appointment.query.filter_by(doctor_id=doctor_id).order_by(Appointment.starts_at)
    rows = query.limit(PAGE_SIZE).offset(page * PAGE_SIZE).all()  # ok: DB002
    return jsonify(
        items=[{"id": a.id, "patient_id": a.patient_id, "starts_at": a.starts_at.isoformat()} for a in rows],
        next_page=page + 1 if len(rows) == PAGE_SIZE else None,
    )


@bp.delete("/<int:appointment_id>")
@login_required
def release_slot(appointment_id: int):
    appointment = db.get_or_404(Appointment, appointment_id)
    if appointment.patient_id != current_user.patient_id and not current_user.is_staff:
        abort(403)
    day_slot = Slot.query.filter_by(doctor_id=appointment.doctor_id, day=appointment.starts_at.date())
    day_slot.update({Slot.free_visits: Slot.free_visits + 1}, synchronize_session=False)  # ok: DB004
    db.session.delete(appointment)
    db.session.commit()
    logger.info("appointment %s released by user %s", appointment_id, current_user.id)
    return "", 204
