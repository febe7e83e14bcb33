"""Patients move a booked appointment to another slot.

The seat in the new slot is taken with a conditional UPDATE (remaining > 0),
the old one is handed back in the same transaction, and the confirmation is
queued only after the commit.
"""
import logging
from datetime import datetime, timedelta, timezone

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select, update

from clinic.models import Appointment, AvailabilitySlot, db
from clinic.tasks.reminders import send_appointment_confirmation

bp = Blueprint("portal_rescheduling", __name__, url_prefix="/portal/appointments")
logger = logging.getLogger(__name__)

MIN_NOTICE = timedelta(hours=24)


@bp.post("/<int:appointment_id>/move")
@login_required
def move(appointment_id: int):
    new_slot_id = request.form.get("slot_id", type=int)
    if new_slot_id is None:
        abort(400)

    appointment = db.session.scalar(  # ok: SEC018
        select(Appointment)
        .where(
            Appointment.id == appointment_id,
            Appointment.patient_id == current_user.patient_id,
            Appointment.status == "booked",
        )
        .with_for_update()
    )
    if appointment is None:
        abort(404)

    now = datetime.now(timezone.utc)
    old_slot = db.session.get(AvailabilitySlot, appointment.slot_id)
    if old_slot.starts_at - now < MIN_NOTICE:
        db.session.rollback()
        flash("Appointments can only be moved online up to 24 hours before. Please call us.")
        return redirect(url_for("portal_booking.mine"))
    if new_slot_id == old_slot.id:
        db.session.rollback()
        return redirect(url_for("portal_booking.mine"))

    taken = db.session.execute(
        update(AvailabilitySlot)
        .where(
            AvailabilitySlot.id == new_slot_id,
            AvailabilitySlot.remaining > 0,
            AvailabilitySlot.starts_at > now + timedelta(hours=12),
        )
        .values(remaining=AvailabilitySlot.remaining - 1)  # ok: DB004
    ).rowcount
    if taken != 1:
        db.session.rollback()
        flash("Sorry, that time is no longer available.")
        return redirect(url_for("portal_booking.available", kind=appointment.kind))

    db.session.execute(
        update(AvailabilitySlot)
        .where(AvailabilitySlot.id == old_slot.id)
        .values(remaining=AvailabilitySlot.remaining + 1)
    )
    appointment.slot_id = new_slot_id
    appointment.confirmation_sent_at = None
    db.session.commit()

    try:
        send_appointment_confirmation.delay(appointment.id)  # ok: REL004
    except Exception:
        logger.exception("appointment %s moved but confirmation was not queued", appointment.id)
    logger.info("patient %s moved appointment %s to slot %s", current_user.patient_id, appointment.id, new_slot_id)
    flash("Your appointment has been moved.")
    return redirect(url_for("portal_booking.mine"))
