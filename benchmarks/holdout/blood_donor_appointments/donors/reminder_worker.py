"""Worker process: appointment reminders by SMS and the stock aggregation loop.

Start with ``python -m donors.reminder_worker`` (one replica).
"""
import asyncio
import logging
import signal
import time
from datetime import datetime, timedelta, timezone

from sqlalchemy import select, update

from . import stock_aggregator
from .db import async_redis, session_factory
from .models import Appointment, Slot
from .settings import get_settings
from .sms_client import SmsClient

log = logging.getLogger("donors.reminders")

POLL_SECONDS = 60
BATCH_LIMIT = 500


def _load_due(hours_before: int) -> list[dict]:
    now = datetime.now(timezone.utc)
    horizon = now + timedelta(hours=hours_before)
    with session_factory()() as db:
        due = db.scalars(
            select(Appointment)
            .join(Slot, Slot.id == Appointment.slot_id)
            .where(
                Appointment.status == "booked",
                Appointment.reminder_sent_at.is_(None),
                Slot.starts_at.between(now, horizon),
            )
            .order_by(Slot.starts_at)
            .limit(BATCH_LIMIT)
        ).all()
        return [  # expect: DB001
            {
                "appointment_id": a.id,
                "phone": a.donor.phone,
                "first_name": a.donor.full_name.split()[0],
                "clinic": a.slot.clinic.name,
                "starts_at": a.slot.starts_at,
            }
            for a in due
        ]


def _mark_sent(appointment_id: int) -> None:
    with session_factory()() as db:
        db.execute(
            update(Appointment)
            .where(Appointment.id == appointment_id, Appointment.reminder_sent_at.is_(None))
            .values(reminder_sent_at=datetime.now(timezone.utc))
        )
        db.commit()


def _message(r: dict) -> str:
    when = r["starts_at"].astimezone().strftime("%A %d %B at %H:%M")
    return f"Hi {r['first_name']}, a reminder of your blood donation at {r['clinic']} on {when}. Reply CANCEL to free your slot."


async def run_reminders(sms: SmsClient) -> None:
    hours = get_settings().reminder_hours_before
    while True:
        due = await asyncio.to_thread(_load_due, hours)
        for reminder in due:
            try:
                await sms.send(reminder["phone"], _message(reminder), reference=f"reminder-{reminder['appointment_id']}")
                await asyncio.to_thread(_mark_sent, reminder["appointment_id"])
            except Exception:  # expect: ERR001
                continue
        if due:
            log.info("sent %d reminders", len(due))
        time.sleep(POLL_SECONDS)  # expect: CON001


async def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    settings = get_settings()
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    async with SmsClient(settings.sms_api_url, settings.sms_api_key.get_secret_value()) as sms:
        tasks = [
            asyncio.create_task(run_reminders(sms)),
            asyncio.create_task(stock_aggregator.run_forever(async_redis())),
        ]
        await stop.wait()
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


if __name__ == "__main__":
    asyncio.run(main())
