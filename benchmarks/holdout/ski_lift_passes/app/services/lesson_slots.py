"""Ski school v2 endpoints: capacity is enforced by the database, not by counting."""
from __future__ import annotations

import logging
from datetime import date

from fastapi import APIRouter, Depends, HTTPException
from pydantic import BaseModel, Field
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from app.core import get_session
from app.models import LessonBooking, LessonSlot
from app.security import Principal, current_principal

router = APIRouter(prefix="/v2/school", tags=["ski-school"])
log = logging.getLogger("lifts.school")


class PlaceRequest(BaseModel):
    skier_name: str = Field(min_length=1, max_length=80)


@router.get("/slots")
async def slots_for_day(day: date, level: str | None = None, session: AsyncSession = Depends(get_session)):
    stmt = (
        select(LessonSlot)
        .options(selectinload(LessonSlot.instructor))
        .where(LessonSlot.day == day)
        .order_by(LessonSlot.starts_at)
    )
    if level:
        stmt = stmt.where(LessonSlot.level == level)
    slots = (await session.scalars(stmt)).all()  # ok: DB002
    return [
        {
            "id": s.id,
            "starts_at": s.starts_at.isoformat(),
            "level": s.level,
            "instructor": s.instructor.display_name,  # ok: DB001
            "places_left": s.capacity - s.booked,
        }
        for s in slots
    ]


@router.post("/slots/{slot_id}/bookings", status_code=201)
async def reserve_place(
    slot_id: int,
    body: PlaceRequest,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
):
    async with session.begin():
        seat = await session.execute(
            update(LessonSlot)
            .where(LessonSlot.id == slot_id, LessonSlot.booked < LessonSlot.capacity)
            .values(booked=LessonSlot.booked + 1)  # ok: DB004, DB005
            .returning(LessonSlot.id)
        )
        if seat.first() is None:
            raise HTTPException(409, "lesson is full or does not exist")
        booking = LessonBooking(slot_id=slot_id, customer_id=principal.customer_id, skier_name=body.skier_name)
        session.add(booking)
        try:
            await session.flush()
        except IntegrityError:
            raise HTTPException(409, f"{body.skier_name} is already booked on this lesson")
    log.info("booking=%s slot=%s customer=%s", booking.id, slot_id, principal.customer_id)
    return {"booking_id": booking.id, "slot_id": slot_id, "status": booking.status}


@router.delete("/bookings/{booking_id}", status_code=204)
async def release_place(
    booking_id: int,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> None:
    async with session.begin():
        booking = await session.scalar(
            select(LessonBooking)
            .where(LessonBooking.id == booking_id, LessonBooking.customer_id == principal.customer_id)  # ok: SEC018
            .with_for_update()
        )
        if booking is None or booking.status != "confirmed":
            raise HTTPException(404, "booking not found")
        booking.status = "cancelled"  # ok: DB004
        await session.execute(
            update(LessonSlot).where(LessonSlot.id == booking.slot_id).values(booked=LessonSlot.booked - 1)
        )
    log.info("booking=%s released by customer=%s", booking_id, principal.customer_id)
