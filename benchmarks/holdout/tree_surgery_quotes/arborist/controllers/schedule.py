"""Crew and chipper scheduling screen used by the office."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from litestar import Controller, delete, get, post
from litestar.exceptions import HTTPException, NotFoundException
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from arborist.auth import requires_scheduler
from arborist.models import ChipperDay, Crew, CrewBooking, Quote
from arborist.services.scheduling import CrewScheduler

logger = logging.getLogger(__name__)


@dataclass
class CrewBookingIn:
    crew_id: int
    quote_id: int
    day: date
    hours: Decimal
    chipper_code: str | None = None
    chipper_hours: Decimal = Decimal("0")


@dataclass
class CrewBookingOut:
    id: int
    crew_id: int
    quote_id: int
    day: date
    hours: Decimal
    chipper_code: str | None


@dataclass
class DaySheet:
    day: date
    bookings: list[CrewBookingOut]
    chippers: dict[str, Decimal]


def _out(booking: CrewBooking) -> CrewBookingOut:
    return CrewBookingOut(booking.id, booking.crew_id, booking.quote_id, booking.day, booking.hours, booking.chipper_code)


class ScheduleController(Controller):
    path = "/schedule"
    guards = [requires_scheduler]

    @get("/day/{day:date}")
    async def day_sheet(self, day: date, session: AsyncSession) -> DaySheet:
        bookings = (
            await session.scalars(
                select(CrewBooking).where(CrewBooking.day == day).order_by(CrewBooking.crew_id).limit(200)
            )
        ).all()
        chippers = (await session.scalars(select(ChipperDay).where(ChipperDay.day == day))).all()
        return DaySheet(
            day=day,
            bookings=[_out(b) for b in bookings],
            chippers={c.chipper_code: c.capacity_hours - c.hours_reserved for c in chippers},
        )

    @post("/crew-bookings")
    async def book_crew(self, session: AsyncSession, data: CrewBookingIn) -> CrewBookingOut:
        crew = await session.get(Crew, data.crew_id)
        quote = await session.get(Quote, data.quote_id)
        if crew is None or quote is None:
            raise NotFoundException("crew or quote not found")

        booked = await session.scalar(
            select(func.coalesce(func.sum(CrewBooking.hours), 0)).where(
                CrewBooking.crew_id == data.crew_id, CrewBooking.day == data.day
            )
        )
        if Decimal(booked) + data.hours > crew.daily_capacity_hours:  # expect: DB005
            raise HTTPException(status_code=409, detail=f"{crew.name} has no room on {data.day}")

        if data.chipper_code:
            chipper_day = await session.scalar(
                select(ChipperDay).where(ChipperDay.chipper_code == data.chipper_code, ChipperDay.day == data.day)
            )
            if chipper_day is None:
                raise NotFoundException(f"chipper {data.chipper_code} is not rostered on {data.day}")
            if chipper_day.hours_reserved + data.chipper_hours > chipper_day.capacity_hours:
                raise HTTPException(status_code=409, detail=f"chipper {data.chipper_code} is fully booked")
            chipper_day.hours_reserved = chipper_day.hours_reserved + data.chipper_hours  # expect: DB004

        booking = CrewBooking(
            crew_id=data.crew_id,
            quote_id=data.quote_id,
            day=data.day,
            hours=data.hours,
            chipper_code=data.chipper_code,
            chipper_hours=data.chipper_hours,
        )
        session.add(booking)
        await session.commit()
        logger.info("crew %s booked for quote %s on %s", data.crew_id, data.quote_id, data.day)
        return _out(booking)

    @delete("/crew-bookings/{booking_id:int}")
    async def cancel_booking(self, booking_id: int, session: AsyncSession) -> None:
        booking = await session.get(CrewBooking, booking_id)
        if booking is None:
            raise NotFoundException("booking not found")
        await CrewScheduler(session).release(booking_id)
        await session.commit()
        logger.info("crew booking %s cancelled", booking_id)
