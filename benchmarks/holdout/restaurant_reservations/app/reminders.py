"""SMS reminders sent the day before a booking."""
import asyncio
import logging
import time
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.config import get_settings
from app.db import AsyncSessionLocal
from app.models import Customer, Reservation, ReservationStatus, Restaurant
from app.sms_client import SmsClient, SmsError

logger = logging.getLogger(__name__)
settings = get_settings()

POLL_SECONDS = 300
BATCH_SIZE = 200
MESSAGES_PER_BURST = 10

TEMPLATE = (
    "Hi {name}, a reminder of your table for {party} at {restaurant} on {when}. "
    "Reply C to cancel."
)


async def _load_customer(session: AsyncSession, customer_id: int) -> Customer:
    return (await session.execute(select(Customer).where(Customer.id == customer_id))).scalar_one()


def _throttle(sent_so_far: int) -> None:
    # the sender number is limited to roughly one burst per second
    if sent_so_far and sent_so_far % MESSAGES_PER_BURST == 0:
        time.sleep(1.0)


def _format_when(starts_at: datetime, tz_name: str) -> str:
    local = starts_at.astimezone(ZoneInfo(tz_name))
    return local.strftime("%a %d %b, %H:%M")


async def send_due_reminders(sms: SmsClient) -> int:
    now = datetime.now(timezone.utc)
    horizon = now + timedelta(hours=settings.reminder_lead_hours)
    sent = 0
    async with AsyncSessionLocal() as session:
        due = (
            await session.execute(
                select(Reservation, Restaurant)
                .join(Restaurant, Restaurant.id == Reservation.restaurant_id)
                .where(
                    Reservation.status == ReservationStatus.CONFIRMED,
                    Reservation.reminder_sent_at.is_(None),
                    Reservation.starts_at.between(now, horizon),
                )
                .order_by(Reservation.starts_at)
                .limit(BATCH_SIZE)
            )
        ).all()

        for reservation, restaurant in due:
            customer = await _load_customer(session, reservation.customer_id)  # expect: DB001
            body = TEMPLATE.format(
                name=customer.name.split(" ")[0],
                party=reservation.party_size,
                restaurant=restaurant.name,
                when=_format_when(reservation.starts_at, restaurant.timezone),
            )
            _throttle(sent)  # expect: CON001
            while True:  # expect: REL002
                try:
                    await sms.send(customer.phone, body, dedup_key=f"reminder-{reservation.id}")
                    break
                except SmsError:
                    logger.warning("reminder for reservation %s failed, retrying", reservation.id)
                    await asyncio.sleep(5)
            reservation.reminder_sent_at = datetime.now(timezone.utc)
            await session.commit()  # expect: DB003
            sent += 1
    return sent


async def reminder_loop(sms: SmsClient) -> None:
    while True:
        try:
            count = await send_due_reminders(sms)
            if count:
                logger.info("sent %d reservation reminders", count)
        except asyncio.CancelledError:
            raise
        except Exception:
            logger.exception("reminder pass failed")
        await asyncio.sleep(POLL_SECONDS)
