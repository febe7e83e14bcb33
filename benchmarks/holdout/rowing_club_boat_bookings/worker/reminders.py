"""Outing reminders and red-board cancellations, run every five minutes."""
import asyncio
import logging
from datetime import datetime, timedelta, timezone

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.clients.river_level import current_level, flag_colour
from app.db import SessionLocal
from app.models import CrewSeat, Outing
from app.notify import send_email

logger = logging.getLogger(__name__)

PASS_INTERVAL_S = 300


async def send_due_reminders(settings) -> int:
    now = datetime.now(timezone.utc)
    horizon = now + timedelta(hours=settings.reminder_lead_hours)
    async with SessionLocal() as session:
        seats = (
            await session.scalars(
                select(CrewSeat)
                .join(Outing, Outing.id == CrewSeat.outing_id)
                .where(Outing.status == "scheduled", Outing.starts_at.between(now, horizon))
                .where(CrewSeat.reminded_at.is_(None))
                .options(selectinload(CrewSeat.member), selectinload(CrewSeat.outing))
                .limit(500)
            )
        ).all()
        for seat in seats:
            outing = seat.outing
            await send_email(  # expect: REL003
                seat.member.email,
                f"Reminder: {outing.title}",
                f"You are in the crew for {outing.title} at {outing.starts_at:%a %d %b %H:%M}. "
                "Boats out 15 minutes before; tell the captain if you can't make it.",
            )
            seat.reminded_at = now
        await session.commit()
    return len(seats)


async def cancel_for_river(settings) -> int:
    level = None
    while level is None:  # expect: REL002
        try:
            level = await current_level(settings.river_station_id)
        except Exception as exc:
            print(f"river level lookup failed: {exc!r}, retrying")  # expect: OBS001
            await asyncio.sleep(10)

    if flag_colour(level.metres, settings.max_safe_level_m) != "red":
        return 0

    today_end = datetime.now(timezone.utc).replace(hour=23, minute=59)
    async with SessionLocal() as session:
        outings = (
            await session.scalars(
                select(Outing)
                .where(Outing.status == "scheduled", Outing.starts_at <= today_end)
                .options(selectinload(Outing.crew).selectinload(CrewSeat.member))
            )
        ).all()
        for outing in outings:
            outing.status = "cancelled"
            outing.cancelled_reason = f"Red board: river at {level.metres:.2f} m"
        await session.commit()

    for outing in outings:
        for seat in outing.crew:
            await send_email(  # expect: REL004
                seat.member.email,
                f"Cancelled: {outing.title}",
                f"{outing.title} is cancelled: the river is at {level.metres:.2f} m (red board).",
                message_key=f"cancel-{outing.id}-{seat.member_id}",
            )
    logger.info("red board: cancelled %d outings", len(outings))
    return len(outings)


async def run_reminder_loop(settings) -> None:
    while True:  # ok: REL002
        try:
            sent = await send_due_reminders(settings)
            cancelled = await cancel_for_river(settings)
            if sent or cancelled:
                logger.info("reminder pass: %d reminders, %d cancellations", sent, cancelled)
        except Exception:
            logger.exception("reminder pass failed")
        await asyncio.sleep(PASS_INTERVAL_S)
