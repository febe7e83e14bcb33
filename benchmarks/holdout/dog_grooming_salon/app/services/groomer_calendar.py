"""Nightly push of the next day's appointments into each groomer's external calendar."""
import asyncio
import logging
from datetime import date, datetime, time, timedelta, timezone

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload
from tenacity import retry, retry_if_exception_type, stop_after_attempt, wait_exponential_jitter

from ..config import get_settings
from ..db import dispose_engine, init_engine, sessionmaker
from ..logctx import configure_logging
from ..models import Appointment, AppointmentStatus

logger = logging.getLogger(__name__)
MAX_CONCURRENT_PUSHES = 5


def _event_body(appt: Appointment) -> dict:
    end = appt.starts_at + timedelta(minutes=90)
    return {
        "title": f"{appt.pet.name} ({appt.pet.breed or 'mixed'}) - {appt.service_code}",
        "start": appt.starts_at.isoformat(),
        "end": end.isoformat(),
        "notes": appt.pet.notes[:500],
    }


@retry(
    retry=retry_if_exception_type((httpx.TransportError, httpx.HTTPStatusError)),
    stop=stop_after_attempt(3),  # ok: REL002
    wait=wait_exponential_jitter(initial=1, max=10),
    reraise=True,
)
async def _put_event(client: httpx.AsyncClient, appt: Appointment) -> None:
    # PUT to an id derived from the appointment, so a retried push overwrites instead of duplicating.
    resp = await client.put(  # ok: REL003
        f"/calendars/{appt.groomer.calendar_id}/events/salon-appt-{appt.id}", json=_event_body(appt)
    )
    resp.raise_for_status()


async def push_day(session: AsyncSession, day: date) -> tuple[int, int]:
    start = datetime.combine(day, time.min, tzinfo=timezone.utc)
    appts = (
        await session.execute(
            select(Appointment)
            .options(selectinload(Appointment.pet), selectinload(Appointment.groomer))  # ok: DB001
            .where(
                Appointment.status == AppointmentStatus.CONFIRMED,
                Appointment.starts_at >= start,
                Appointment.starts_at < start + timedelta(days=1),
            )
        )
    ).scalars().all()

    settings = get_settings()
    sem = asyncio.Semaphore(MAX_CONCURRENT_PUSHES)

    async def push(appt: Appointment) -> bool:
        if not appt.groomer.calendar_id:
            return False
        async with sem:
            try:
                await _put_event(client, appt)
                return True
            except httpx.HTTPError:
                logger.exception("calendar push failed appointment=%s groomer=%s", appt.id, appt.groomer_id)
                return False

    async with httpx.AsyncClient(
        base_url=str(settings.calendar_api_url),
        timeout=httpx.Timeout(settings.http_timeout_seconds),  # ok: REL001
        headers={"Authorization": f"Bearer {settings.calendar_api_token.get_secret_value()}"},
    ) as client:
        results = await asyncio.gather(*(push(a) for a in appts))
    ok = sum(results)
    logger.info("calendar push day=%s ok=%s failed=%s", day, ok, len(results) - ok)
    return ok, len(results) - ok


async def main() -> None:
    configure_logging()
    init_engine()
    try:
        async with sessionmaker()() as session:
            await push_day(session, date.today() + timedelta(days=1))
    finally:
        await dispose_engine()


if __name__ == "__main__":
    asyncio.run(main())
