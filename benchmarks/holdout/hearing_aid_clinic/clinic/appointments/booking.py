"""Patients book hearing tests, fittings and follow-ups into published slots."""
import logging
from datetime import datetime, timedelta, timezone

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from clinic.models import Appointment, AvailabilitySlot, db
from clinic.tasks.reminders import send_appointment_confirmation

bp = Blueprint("portal_booking", __name__, url_prefix="/portal/appointments")
logger = logging.getLogger(__name__)

KINDS = {"hearing-test": 60, "fitting": 90, "follow-up": 30}
BOOKING_HORIZON = timedelta(days=42)


@bp.get("/available")
@login_required
def available():
    kind = request.args.get("kind", "fitting")
    if kind not in KINDS:
        abort(400)
    now = datetime.now(timezone.utc)
    slots = (
        AvailabilitySlot.query.filter(
            AvailabilitySlot.starts_at > now + timedelta(hours=12),
            AvailabilitySlot.starts_at < now + BOOKING_HORIZON,
            AvailabilitySlot.minutes >= KINDS[kind],
            AvailabilitySlot.remaining > 0,
        )
        .order_by(AvailabilitySlot.starts_at)
        .limit(100)
        .all()
    )
    return render_template("portal/available.html", slots=slots, kind=kind)


@bp.post("/")
@login_required
def book():
    slot_id = request.form.get("slot_id", type=int)
    kind = request.form.get("kind", "fitting")
    if kind not in KINDS or slot_id is None:
        abort(400)

    slot = db.session.get(AvailabilitySlot, slot_id)
    if slot is None or slot.starts_at <= datetime.now(timezone.utc):
        abort(404)
    if slot.remaining < 1:  # expect: DB005
        flash("Sorry, that time has just been taken. Please pick another.")
        return redirect(url_for(".available", kind=kind))

    slot.remaining = slot.remaining - 1  # expect: DB004
    appointment = Appointment(
        patient_id=current_user.patient_id,
        slot_id=slot.id,
        kind=kind,
        status="booked",
        notes=request.form.get("notes", "")[:1000],
    )
    db.session.add(appointment)
    db.session.flush()
    send_appointment_confirmation.delay(appointment.id)  # expect: REL004
    db.session.commit()

    logger.info("patient %s booked %s into slot %s", current_user.patient_id, kind, slot.id)
    flash(f"Booked: {slot.starts_at:%A %d %B at %H:%M}, {slot.location}.")
    return redirect(url_for(".mine"))


@bp.get("/mine")
@login_required
def mine():
    upcoming = (
        Appointment.query.join(AvailabilitySlot)
        .filter(
            Appointment.patient_id == current_user.patient_id,
            Appointment.status == "booked",
            AvailabilitySlot.starts_at > datetime.now(timezone.utc),
        )
        .order_by(AvailabilitySlot.starts_at)
        .limit(20)
        .all()
    )
    return render_template("portal/my_appointments.html", appointments=upcoming)
