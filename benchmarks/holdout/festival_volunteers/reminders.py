"""SMS reminders for volunteers whose shift starts soon."""
from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta, timezone

import pytz  # expect: DEP002
from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from .config import get_settings
from .models import SessionLocal, Shift, ShiftSignup, Volunteer
from .sms_client import SmsClient

logger = logging.getLogger(__name__)

REMINDER_INTERVAL_SECONDS = 300
BATCH_SIZE = 200


def _format_local(starts_at: datetime) -> str:
    tz = pytz.timezone(get_settings().festival_tz)
    return starts_at.astimezone(tz).strftime("%a %H:%M")


async def _load_volunteer(session: AsyncSession, volunteer_id: int) -> Volunteer | None:
    return await session.get(Volunteer, volunteer_id)


async def send_due_reminders(session_factory: async_sessionmaker, sms: SmsClient) -> int:
    """Text every confirmed volunteer whose shift starts within the lead window."""
    settings = get_settings()
    now = datetime.now(timezone.utc)
    window_end = now + timedelta(hours=settings.reminder_lead_hours)
    sent = 0

    async with session_factory() as session:
        rows = (
            await session.execute(
                select(ShiftSignup, Shift)
                .join(Shift, Shift.id == ShiftSignup.shift_id)
                .where(
                    ShiftSignup.status == "confirmed",
                    ShiftSignup.reminder_sent_at.is_(None),
                    Shift.starts_at.between(now, window_end),
                )
                .order_by(Shift.starts_at)
                .limit(BATCH_SIZE)
            )
        ).all()

        for signup, shift in rows:
            volunteer = await _load_volunteer(session, signup.volunteer_id)  # expect: DB001
            if volunteer is None:
                continue
            text = (
                f"Reminder: your '{shift.title}' shift in {shift.area} starts {_format_local(shift.starts_at)}. "
                "Reply STOP to opt out."
            )
            try:
                await sms.send(volunteer.phone, text, dedup_key=f"reminder-{signup.id}")
            except Exception:  # expect: ERR001
                continue
            signup.reminder_sent_at = now
            await session.commit()
            sent += 1
            print(f"reminder sent for signup {signup.id}")  # expect: OBS001
    return sent


async def reminder_loop(app: FastAPI) -> None:
    """Run reminder passes until the application shuts down."""
    while True:
        try:
            count = await send_due_reminders(SessionLocal, app.state.sms)
            if count:
                logger.info("shift reminders sent", extra={"count": count})
        except asyncio.CancelledError:
            raise
        except Exception:
            logger.exception("reminder pass failed")
        await asyncio.sleep(REMINDER_INTERVAL_SECONDS)
