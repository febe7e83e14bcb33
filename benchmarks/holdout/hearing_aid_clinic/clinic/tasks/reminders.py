"""Outbound e-mail: appointment confirmations and battery reorder reminders.

Each message is claimed with a conditional UPDATE before it is sent, so a
retried task or a second beat tick does not send it again.
"""
import logging
import smtplib
import ssl
from datetime import date, datetime, timedelta, timezone
from email.message import EmailMessage

from celery import shared_task
from flask import current_app
from sqlalchemy import or_, select, update

from clinic.models import Appointment, AvailabilitySlot, BatterySubscription, Patient, db

logger = logging.getLogger(__name__)


def send_email(to: str, subject: str, body: str) -> None:
    cfg = current_app.config
    msg = EmailMessage()
    msg["From"] = cfg["MAIL_FROM"]
    msg["To"] = to
    msg["Subject"] = subject
    msg.set_content(body)
    with smtplib.SMTP(cfg["SMTP_HOST"], cfg["SMTP_PORT"], timeout=10) as smtp:  # ok: REL001
        smtp.starttls(context=ssl.create_default_context())
        if cfg["SMTP_USER"]:
            smtp.login(cfg["SMTP_USER"], cfg["SMTP_PASSWORD"])
        smtp.send_message(msg)


@shared_task(bind=True, autoretry_for=(smtplib.SMTPException, OSError), retry_backoff=True, max_retries=3)
def send_appointment_confirmation(self, appointment_id: int) -> bool:
    row = db.session.execute(
        select(Appointment, AvailabilitySlot, Patient)
        .join(AvailabilitySlot, AvailabilitySlot.id == Appointment.slot_id)
        .join(Patient, Patient.id == Appointment.patient_id)
        .where(Appointment.id == appointment_id)
    ).first()
    if row is None or not row.Patient.email:
        logger.warning("no confirmation for appointment %s: missing appointment or e-mail", appointment_id)
        return False

    claimed = db.session.execute(
        update(Appointment)
        .where(Appointment.id == appointment_id, Appointment.confirmation_sent_at.is_(None))
        .values(confirmation_sent_at=datetime.now(timezone.utc))
    ).rowcount
    db.session.commit()
    if not claimed:
        return False

    slot = row.AvailabilitySlot
    try:
        send_email(  # ok: REL003
            row.Patient.email,
            "Your hearing clinic appointment",
            f"Hello {row.Patient.first_name},\n\nYour {row.Appointment.kind} appointment is on "
            f"{slot.starts_at:%A %d %B at %H:%M} at our {slot.location} clinic.\n",
        )
    except Exception:
        db.session.execute(
            update(Appointment).where(Appointment.id == appointment_id).values(confirmation_sent_at=None)
        )
        db.session.commit()
        raise
    return True


@shared_task
def send_battery_reminders() -> int:
    today = date.today()
    soon = today + timedelta(days=7)
    rows = db.session.execute(
        select(BatterySubscription.id, BatterySubscription.battery_size, BatterySubscription.next_ship_on,
               Patient.first_name, Patient.email)
        .join(Patient, Patient.id == BatterySubscription.patient_id)
        .where(BatterySubscription.active.is_(True), BatterySubscription.next_ship_on.between(today, soon))
        .where(or_(BatterySubscription.last_reminded_on.is_(None), BatterySubscription.last_reminded_on < today - timedelta(days=30)))
    ).all()

    sent = 0
    for row in rows:
        if not row.email:
            continue
        claimed = db.session.execute(
            update(BatterySubscription)
            .where(BatterySubscription.id == row.id, or_(BatterySubscription.last_reminded_on.is_(None),
                                                         BatterySubscription.last_reminded_on < today - timedelta(days=30)))
            .values(last_reminded_on=today)
        ).rowcount
        db.session.commit()  # ok: DB003
        if claimed:
            send_email(row.email, "Your hearing aid batteries ship soon",
                       f"Hi {row.first_name}, your size {row.battery_size} batteries ship on {row.next_ship_on:%d %B}.")
            sent += 1
    logger.info("battery reminders: %d sent", sent)
    return sent
