"""HTTP endpoints for booking, listing and cancelling clinic appointments."""

import logging
import threading
from datetime import datetime, timedelta

import requests
from flask import Blueprint, jsonify, request
from flask_login import login_required

from .models import Appointment, Doctor, Slot, db

bp = Blueprint("appointments", __name__, url_prefix="/appointments")
logger = logging.getLogger(__name__)

SMS_GATEWAY_URL = "https://sms.internal.example.org/v1/messages"
VISIT_MINUTES = 20


def _send_confirmation(phone: str, doctor_name: str, starts_at: datetime) -> None:
    text = f"Your visit with Dr. {doctor_name} is confirmed for {starts_at:%d %b at %H:%M}."
    requests.post(SMS_GATEWAY_URL, json={"to": phone, "body": text})  # expect: REL001


@bp.post("")
def book_appointment():
    payload = request.get_json(force=True)
    assert payload.get("patient_id"), "patient_id is required"  # expect: SEC017
    doctor = Doctor.query.get_or_404(payload["doctor_id"])
    starts_at = datetime.fromisoformat(payload["starts_at"])

    slot = Slot.query.filter_by(doctor_id=doctor.id, day=starts_at.date()).first_or_404()
    taken = Appointment.query.filter_by(doctor_id=doctor.id, starts_at=starts_at).first()
    if taken is not None:  # expect: DB005
        return jsonify(error="slot already booked"), 409
    if slot.free_visits <= 0:  # expect: DB005
        return jsonify(error="doctor is fully booked that day"), 409

    appointment = Appointment(
        doctor_id=doctor.id,
        patient_id=payload["patient_id"],
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=VISIT_MINUTES),
    )
    slot.free_visits = slot.free_visits - 1  # expect: DB004
    db.session.add(appointment)
    db.session.commit()

    threading.Thread(  # expect: CON003, REL005
        target=_send_confirmation,
        args=(payload["phone"], doctor.name, starts_at),
    ).start()
    return jsonify(id=appointment.id, starts_at=starts_at.isoformat()), 201


@bp.get("/doctor/<int:doctor_id>")
@login_required
def list_for_doctor(doctor_id: int):
    rows = Appointment.query.filter_by(doctor_id=doctor_id).order_by(Appointment.starts_at).all()  # expect: DB002
    return jsonify(
        [
            {"id": a.id, "patient_id": a.patient_id, "starts_at": a.starts_at.isoformat()}
            for a in rows
        ]
    )


@bp.delete("/<int:appointment_id>")
def cancel_appointment(appointment_id: int):  # todo-expect: SEC018
    appointment = Appointment.query.get_or_404(appointment_id)
    slot = Slot.query.filter_by(doctor_id=appointment.doctor_id, day=appointment.starts_at.date()).one()
    slot.free_visits += 1  # expect: DB004
    db.session.delete(appointment)
    db.session.commit()
    logger.info("appointment cancelled")  # todo-expect: OBS003
    return "", 204
