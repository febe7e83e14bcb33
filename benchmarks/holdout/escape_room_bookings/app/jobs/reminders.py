"""Reminder SMS for games starting within the next day."""
import logging
from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.clients.sms import SmsError, get_sms_client, normalise_msisdn
from app.db import SessionLocal
from app.models import Booking, Customer, Slot, utcnow
from app.settings import get_settings

log = logging.getLogger(__name__)

VENUE_TZ = ZoneInfo("Europe/Dublin")
BATCH_LIMIT = 200


def reminder_text(room_name: str, starts_at) -> str:
    local = starts_at.astimezone(VENUE_TZ)
    return (f"Reminder: your {room_name} escape game is at {local:%H:%M} on {local:%a %d %b}. "
            "Please arrive 15 minutes early. Reply STOP to opt out.")


async def send_due_reminders(limit: int = BATCH_LIMIT) -> int:
    """Text every confirmed booking that starts within the lead time and has not been reminded."""
    settings = get_settings()
    sms = get_sms_client()
    now = utcnow()
    horizon = now + timedelta(hours=settings.reminder_lead_hours)
    sent = skipped = 0
    async with SessionLocal() as session:
        stmt = (select(Booking)
                .join(Slot, Slot.id == Booking.slot_id)
                .options(selectinload(Booking.slot).selectinload(Slot.room))
                .where(Booking.status == "confirmed",
                       Booking.reminder_sent_at.is_(None),
                       Slot.starts_at > now,
                       Slot.starts_at <= horizon)
                .order_by(Slot.starts_at)
                .limit(limit))
        bookings = (await session.scalars(stmt)).all()
        for booking in bookings:
            customer = await session.get(Customer, booking.customer_id)  # expect: DB001
            if not customer or not customer.phone:
                skipped += 1
                continue
            try:
                number = normalise_msisdn(customer.phone)
            except ValueError:
                log.warning("booking %s: customer %s has an unusable phone number", booking.id, customer.id)
                skipped += 1
                continue
            text = reminder_text(booking.slot.room.name, booking.slot.starts_at)
            try:
                sms.send(number, text, client_ref=f"reminder-{booking.id}")  # expect: CON001
            except SmsError:
                log.exception("reminder for booking %s not sent", booking.id)
                continue
            booking.reminder_sent_at = utcnow()
            await session.commit()
            sent += 1
    log.info("reminders: %s sent, %s skipped, %s due", sent, skipped, len(bookings))
    return sent
