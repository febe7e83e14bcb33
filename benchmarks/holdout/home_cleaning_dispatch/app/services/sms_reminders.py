"""Day-before SMS reminders for upcoming cleans."""
import asyncio
import logging
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import requests
from sqlalchemy import select

from app.core import SessionLocal, settings
from app.models import Booking, Slot, User

logger = logging.getLogger(__name__)

REMINDER_WINDOW = timedelta(hours=24)
POLL_SECONDS = 300
BATCH_LIMIT = 500
LOCAL_TZ = ZoneInfo("America/Chicago")


class SmsError(Exception):
    pass


def send_sms(phone: str, text: str) -> str:
    try:
        resp = requests.post(  # expect: REL001
            f"{settings.sms_base_url}/messages",
            json={"to": phone, "body": text, "sender_id": "Sparkle"},
            headers={"X-Api-Key": settings.sms_api_key.get_secret_value()},
        )
        resp.raise_for_status()
    except requests.RequestException as exc:
        raise SmsError(f"SMS provider rejected message: {exc.__class__.__name__}") from exc
    return resp.json()["message_id"]


def reminder_text(slot: Slot, booking: Booking) -> str:
    local_start = slot.starts_at.astimezone(LOCAL_TZ)
    return (
        f"Reminder: your Sparkle clean is tomorrow at {local_start:%-I:%M %p}. "
        f"Reply C to cancel or reschedule in the app. Ref #{booking.id}"
    )


async def send_due_reminders() -> int:
    now = datetime.now(timezone.utc)
    sent = 0
    async with SessionLocal() as session:
        rows = (
            await session.execute(
                select(Booking, Slot)
                .join(Slot, Slot.id == Booking.slot_id)
                .where(
                    Booking.status == "confirmed",
                    Booking.reminder_sent_at.is_(None),
                    Slot.starts_at.between(now, now + REMINDER_WINDOW),
                )
                .order_by(Slot.starts_at)
                .limit(BATCH_LIMIT)
            )
        ).all()
        for booking, slot in rows:
            customer = await session.get(User, booking.customer_id)  # expect: DB001
            if customer is None or not customer.phone:
                continue
            try:
                message_id = send_sms(customer.phone, reminder_text(slot, booking))  # expect: CON001
            except SmsError:
                logger.warning("reminder for booking %s not sent", booking.id, exc_info=True)
                continue
            booking.reminder_sent_at = now
            await session.commit()  # ok: DB003
            sent += 1
            logger.info("reminder %s sent for booking %s", message_id, booking.id)
    return sent


async def reminder_loop() -> None:
    while True:
        try:
            count = await send_due_reminders()
            if count:
                logger.info("sent %d booking reminders", count)
        except Exception:
            logger.exception("reminder run failed")
        await asyncio.sleep(POLL_SECONDS)
