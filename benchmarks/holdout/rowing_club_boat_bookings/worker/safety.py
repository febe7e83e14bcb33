"""Safety worker (v2), run as its own container: `python -m worker.safety`.

A Redis lock keeps a second replica from running the same pass, and every email is
claimed in Redis with SET NX before it is sent.
"""
import asyncio
import logging
import signal
from datetime import datetime, timedelta, timezone

import aiohttp
import redis.asyncio as redis
from sqlalchemy import select, update
from sqlalchemy.orm import selectinload

from app.clients.gauge_feed import GaugeFeed, GaugeUnavailable
from app.clients.river_level import flag_colour
from app.config import get_settings
from app.db import SessionLocal, dispose_engine
from app.models import CrewSeat, Outing
from app.notify import MailError, send_email

logger = logging.getLogger("worker.safety")

NOTICE_TTL_S = 3 * 24 * 3600
MAX_STALE_MINUTES = 90


async def _send_once(r, key: str, to: str, subject: str, body: str) -> bool:
    if not await r.set(key, "1", nx=True, ex=NOTICE_TTL_S):
        return False
    try:
        await send_email(to, subject, body, message_key=key.replace(":", "-"))  # ok: REL003
    except MailError:
        await r.delete(key)  # let the next pass try again
        return False
    return True


async def remind(r, settings) -> None:
    now = datetime.now(timezone.utc)
    async with SessionLocal() as session:
        seats = (
            await session.scalars(
                select(CrewSeat)
                .join(Outing, Outing.id == CrewSeat.outing_id)
                .where(Outing.status == "scheduled", CrewSeat.reminded_at.is_(None))
                .where(Outing.starts_at.between(now, now + timedelta(hours=settings.reminder_lead_hours)))
                .options(selectinload(CrewSeat.member), selectinload(CrewSeat.outing))
                .limit(500)
            )
        ).all()
        for seat in seats:
            body = f"You are in the crew for {seat.outing.title} at {seat.outing.starts_at:%a %d %b %H:%M}."
            if await _send_once(r, f"rowing:reminder:{seat.id}", seat.member.email, "Outing reminder", body):
                await session.execute(update(CrewSeat).where(CrewSeat.id == seat.id).values(reminded_at=now))
                await session.commit()  # ok: DB003


async def red_board(gauge: GaugeFeed, settings) -> None:
    try:
        reading = await gauge.latest(settings.river_station_id)
    except GaugeUnavailable:
        logger.error("no river reading at all; leaving outings as they are (check the board by eye)")
        return
    if reading.stale and gauge.age_minutes(reading) > MAX_STALE_MINUTES:
        logger.warning("river reading is %.0f minutes old; not acting on it", gauge.age_minutes(reading))
    if reading.stale or flag_colour(reading.metres, settings.max_safe_level_m) != "red":
        return

    reason = f"Red board: river at {reading.metres:.2f} m"
    today_end = datetime.now(timezone.utc).replace(hour=23, minute=59)
    async with SessionLocal() as session:
        result = await session.execute(
            update(Outing)
            .where(Outing.status == "scheduled", Outing.starts_at <= today_end)
            .values(status="cancelled", cancelled_reason=reason)
        )
        await session.commit()
    logger.info("red board: %d outings cancelled", result.rowcount)


async def notify_cancelled(r) -> None:
    """Runs every pass, so notices lost to a crash after the cancel commit go out next time."""
    now = datetime.now(timezone.utc)
    async with SessionLocal() as session:
        seats = (
            await session.scalars(
                select(CrewSeat)
                .join(Outing, Outing.id == CrewSeat.outing_id)
                .where(Outing.status == "cancelled", Outing.starts_at.between(now, now.replace(hour=23, minute=59)))
                .options(selectinload(CrewSeat.member), selectinload(CrewSeat.outing))
                .limit(1000)
            )
        ).all()
    for seat in seats:
        await _send_once(r, f"rowing:cancel:{seat.outing_id}:{seat.member_id}", seat.member.email,
                         f"Cancelled: {seat.outing.title}", f"{seat.outing.title} is cancelled. {seat.outing.cancelled_reason}.")


async def main() -> None:
    settings = get_settings()
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)

    r = redis.from_url(settings.redis_url, socket_timeout=2, socket_connect_timeout=2)
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10, connect=3)) as http:
        gauge = GaugeFeed(http, r, settings)
        while not stop.is_set():  # ok: REL002
            lock = r.lock("rowing:safety-pass", timeout=settings.safety_interval_s - 10, blocking=False)
            if await lock.acquire():
                try:
                    await remind(r, settings)
                    await red_board(gauge, settings)
                    await notify_cancelled(r)
                except Exception:
                    logger.exception("safety pass failed")
                finally:
                    await lock.release()
            try:
                await asyncio.wait_for(stop.wait(), timeout=settings.safety_interval_s)
            except asyncio.TimeoutError:  # ok: ERR001
                pass  # interval elapsed, run the next pass
    await r.aclose()
    await dispose_engine()


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    asyncio.run(main())
