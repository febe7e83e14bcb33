"""Day-before reminder texts sent through Twilio."""
import logging
import os
from datetime import datetime, timedelta, timezone

import requests
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from ..models import Appointment, AppointmentStatus, Customer, Groomer, Pet

logger = logging.getLogger(__name__)

TWILIO_SID, TWILIO_TOKEN = os.environ["SALON_TWILIO_ACCOUNT_SID"], os.environ["SALON_TWILIO_AUTH_TOKEN"]  # expect: MNT002
TWILIO_FROM = os.environ.get("SALON_TWILIO_FROM_NUMBER", "")
REMINDER_BATCH = 500


def _post_twilio(to: str, body: str) -> str:
    url = f"https://api.twilio.com/2010-04-01/Accounts/{TWILIO_SID}/Messages.json"
    resp = requests.post(url, data={"To": to, "From": TWILIO_FROM, "Body": body},  # expect: REL001
                         auth=(TWILIO_SID, TWILIO_TOKEN))
    resp.raise_for_status()
    return resp.json()["sid"]


def _reminder_text(pet: Pet, groomer: Groomer, starts_at: datetime) -> str:
    return (
        f"Hi! {pet.name} is booked with {groomer.display_name} tomorrow at "
        f"{starts_at:%H:%M}. Reply C to cancel. - Paws & Suds"
    )


async def send_reminder(session: AsyncSession, appointment: Appointment) -> str | None:
    customer = await session.get(Customer, appointment.customer_id)
    pet = await session.get(Pet, appointment.pet_id)
    groomer = await session.get(Groomer, appointment.groomer_id)
    if not customer or not customer.phone:
        return None
    sid = _post_twilio(customer.phone, _reminder_text(pet, groomer, appointment.starts_at))  # expect: CON001
    logger.info("reminder sent appointment=%s sid=%s", appointment.id, sid)
    return sid


async def send_due_reminders(session: AsyncSession) -> int:
    now = datetime.now(timezone.utc)
    due = (
        await session.execute(
            select(Appointment)
            .where(
                Appointment.status == AppointmentStatus.CONFIRMED,
                Appointment.starts_at >= now + timedelta(hours=20),
                Appointment.starts_at < now + timedelta(hours=28),
                Appointment.reminder_sent_at.is_(None),
            )
            .order_by(Appointment.starts_at)
            .limit(REMINDER_BATCH)
        )
    ).scalars().all()

    sent = 0
    for appointment in due:
        try:
            sid = await send_reminder(session, appointment)  # expect: DB001
        except requests.RequestException:
            logger.exception("reminder failed appointment=%s", appointment.id)
            continue
        appointment.reminder_sent_at = now
        await session.commit()  # ok: DB003
        if sid:
            sent += 1
    return sent
