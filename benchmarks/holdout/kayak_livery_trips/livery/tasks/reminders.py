"""Reminder e-mails for trips departing in the next 12-36 hours (07:00 daily)."""
import logging
import smtplib
from datetime import datetime, timedelta, timezone
from email.message import EmailMessage
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import select

from .. import db
from ..models import Booking, Customer, Trip

logger = logging.getLogger(__name__)

REMINDER_TEMPLATE = """Hi {name},

This is a reminder that your trip "{trip}" on the {section} leaves at {departs}.
Please arrive 30 minutes early for the safety briefing, and bring water,
sunscreen and shoes that can get wet. Party size: {party}.

If the river is too high or too low we will call you by 6 a.m. on the day.

See you on the water,
Riverbend Livery
"""


def _customer_for(booking):
    return db.session.execute(
        select(Customer).where(Customer.id == booking.customer_id)
    ).scalar_one()


def _reminder_message(booking, customer, sender, tz):
    trip = booking.trip
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = customer.email
    msg["Subject"] = f"Reminder: {trip.name} tomorrow"
    msg.set_content(REMINDER_TEMPLATE.format(
        name=customer.full_name.split(" ")[0],
        trip=trip.name,
        section=trip.river_section,
        departs=trip.departs_at.astimezone(tz).strftime("%A %-I:%M %p"),
        party=booking.party_size,
    ))
    return msg


def send_trip_reminders():
    cfg = current_app.config
    tz = ZoneInfo(cfg["LIVERY_TIMEZONE"])
    now = datetime.now(timezone.utc)
    bookings = db.session.execute(
        select(Booking)
        .join(Trip, Trip.id == Booking.trip_id)
        .where(
            Trip.departs_at.between(now + timedelta(hours=12), now + timedelta(hours=36)),
            Booking.status == "confirmed",
            Booking.reminder_sent_at.is_(None),
        )
    ).scalars().all()
    if not bookings:
        return 0

    sent = 0
    smtp = smtplib.SMTP(cfg["SMTP_HOST"], cfg["SMTP_PORT"])  # expect: REL001, RES001
    smtp.starttls()
    if cfg["SMTP_USER"]:
        smtp.login(cfg["SMTP_USER"], cfg["SMTP_PASSWORD"])
    for booking in bookings:
        customer = _customer_for(booking)  # expect: DB001
        msg = _reminder_message(booking, customer, cfg["MAIL_FROM"], tz)
        try:
            smtp.send_message(msg)
        except smtplib.SMTPException as exc:
            logger.error("reminder for booking %s failed: %s", booking.id, exc)  # expect: OBS002
            continue
        booking.reminder_sent_at = now
        db.session.commit()  # ok: DB003
        sent += 1
    smtp.quit()
    logger.info("sent %s of %s trip reminders", sent, len(bookings))
    return sent
