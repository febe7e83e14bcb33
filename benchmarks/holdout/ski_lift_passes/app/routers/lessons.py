"""Ski school: browse lesson slots, book and cancel places."""
from __future__ import annotations

import logging
from datetime import date

from fastapi import APIRouter, Depends, HTTPException
from pydantic import BaseModel, Field
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core import get_session
from app.models import Instructor, LessonBooking, LessonSlot
from app.security import Principal, current_principal

router = APIRouter(prefix="/school", tags=["ski-school"])
log = logging.getLogger("lifts.school")


class BookingIn(BaseModel):
    skier_name: str = Field(min_length=1, max_length=80)


async def _instructor_label(session: AsyncSession, instructor_id: int) -> str:
    instructor = await session.get(Instructor, instructor_id)
    if instructor is None:
        return "to be assigned"
    return f"{instructor.display_name} ({instructor.languages})"


@router.get("/slots")
async def list_slots(
    day: date,
    level: str | None = None,
    session: AsyncSession = Depends(get_session),
) -> list[dict]:
    stmt = select(LessonSlot).where(LessonSlot.day == day).order_by(LessonSlot.starts_at)
    if level:
        stmt = stmt.where(LessonSlot.level == level)
    slots = (await session.scalars(stmt)).all()
    listing = []
    for slot in slots:
        listing.append(
            {
                "id": slot.id,
                "starts_at": slot.starts_at.isoformat(),
                "level": slot.level,
                "instructor": await _instructor_label(session, slot.instructor_id),  # expect: DB001
                "places_left": slot.capacity - slot.booked,
            }
        )
    return listing


@router.post("/slots/{slot_id}/bookings", status_code=201)
async def book_place(
    slot_id: int,
    body: BookingIn,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> dict:
    slot = await session.get(LessonSlot, slot_id)
    if slot is None:
        raise HTTPException(404, "lesson not found")
    taken = await session.scalar(
        select(func.count())
        .select_from(LessonBooking)
        .where(LessonBooking.slot_id == slot_id, LessonBooking.status == "confirmed")
    )
    if taken >= slot.capacity:
        raise HTTPException(409, "lesson is full")

    booking = LessonBooking(slot_id=slot_id, customer_id=principal.customer_id, skier_name=body.skier_name)
    session.add(booking)  # expect: DB005
    slot.booked = taken + 1  # expect: DB004
    await session.commit()
    log.info("booking=%s slot=%s customer=%s", booking.id, slot_id, principal.customer_id)
    return {"booking_id": booking.id, "slot_id": slot_id, "status": booking.status}


@router.delete("/bookings/{booking_id}", status_code=204)
async def cancel_booking(
    booking_id: int,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> None:
    booking = await session.get(LessonBooking, booking_id)  # expect: SEC018
    if booking is None or booking.status != "confirmed":
        raise HTTPException(404, "booking not found")
    booking.status = "cancelled"
    slot = await session.get(LessonSlot, booking.slot_id)
    slot.booked -= 1  # expect: DB004
    await session.commit()
    log.info("booking=%s cancelled by customer=%s", booking_id, principal.customer_id)
