"""Crew and chipper reservations shared by the office booking flow and deposits.

The caller owns the transaction: reserve() and release() flush but never commit,
so a reservation and whatever depends on it are committed together.
"""
from __future__ import annotations

import logging
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from arborist.models import ChipperDay, Crew, CrewBooking

logger = logging.getLogger(__name__)


class SlotUnavailable(Exception):
    """The crew or chipper cannot take this job on the requested day."""


class CrewScheduler:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def booked_hours(self, crew_id: int, day: date) -> Decimal:
        total = await self._session.scalar(
            select(func.coalesce(func.sum(CrewBooking.hours), 0)).where(
                CrewBooking.crew_id == crew_id, CrewBooking.day == day
            )
        )
        return Decimal(total)

    async def reserve(
        self,
        *,
        crew_id: int,
        day: date,
        hours: Decimal,
        quote_id: int,
        chipper_code: str | None = None,
        chipper_hours: Decimal = Decimal("0"),
    ) -> CrewBooking:
        crew = await self._session.scalar(select(Crew).where(Crew.id == crew_id).with_for_update())  # ok: DB005
        if crew is None:
            raise SlotUnavailable(f"unknown crew {crew_id}")
        if await self.booked_hours(crew_id, day) + hours > crew.daily_capacity_hours:
            raise SlotUnavailable(f"{crew.name} is fully booked on {day:%d %b}")

        if chipper_code:
            result = await self._session.execute(
                update(ChipperDay)
                .where(
                    ChipperDay.chipper_code == chipper_code,
                    ChipperDay.day == day,
                    ChipperDay.hours_reserved + chipper_hours <= ChipperDay.capacity_hours,
                )
                .values(hours_reserved=ChipperDay.hours_reserved + chipper_hours)  # ok: DB004
            )
            if result.rowcount != 1:
                raise SlotUnavailable(f"chipper {chipper_code} is not free on {day:%d %b}")

        booking = CrewBooking(
            crew_id=crew_id,
            quote_id=quote_id,
            day=day,
            hours=hours,
            chipper_code=chipper_code,
            chipper_hours=chipper_hours,
        )
        self._session.add(booking)
        await self._session.flush()
        logger.info("crew %s reserved for quote %s on %s", crew_id, quote_id, day)
        return booking

    async def release(self, booking_id: int) -> None:
        booking = await self._session.scalar(
            select(CrewBooking).where(CrewBooking.id == booking_id).with_for_update()
        )
        if booking is None:
            return
        if booking.chipper_code:
            await self._session.execute(
                update(ChipperDay)
                .where(ChipperDay.chipper_code == booking.chipper_code, ChipperDay.day == booking.day)
                .values(hours_reserved=ChipperDay.hours_reserved - booking.chipper_hours)
            )
        await self._session.delete(booking)
        await self._session.flush()
        logger.info("released crew booking %s", booking_id)
