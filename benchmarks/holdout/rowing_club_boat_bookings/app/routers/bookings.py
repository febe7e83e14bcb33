"""Boat and oar-set bookings (v1 endpoints used by the boathouse tablet)."""
import logging
from datetime import datetime, timedelta, timezone

from fastapi import APIRouter, Depends, HTTPException, status
from pydantic import BaseModel, model_validator
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.clients.river_level import current_level
from app.config import get_settings
from app.db import get_session
from app.models import Boat, Booking, Member
from app.security import current_member

logger = logging.getLogger(__name__)
router = APIRouter(prefix="/v1/bookings", tags=["bookings"])

MAX_BOOKING = timedelta(hours=4)


class BookingIn(BaseModel):
    boat_id: int
    oar_set_id: int | None = None
    outing_id: int | None = None
    starts_at: datetime
    ends_at: datetime

    @model_validator(mode="after")
    def _window(self):
        if self.ends_at <= self.starts_at or self.ends_at - self.starts_at > MAX_BOOKING:
            raise ValueError("a booking lasts between a minute and four hours")
        return self


class BookingOut(BaseModel):
    id: int
    boat_id: int
    oar_set_id: int | None
    starts_at: datetime
    ends_at: datetime
    status: str

    model_config = {"from_attributes": True}


def _overlapping(column, resource_id: int, starts_at: datetime, ends_at: datetime):
    return (
        select(Booking.id)
        .where(column == resource_id, Booking.status == "active")
        .where(Booking.starts_at < ends_at, Booking.ends_at > starts_at)
        .limit(1)
    )


@router.post("", response_model=BookingOut, status_code=status.HTTP_201_CREATED)
async def book_boat(body: BookingIn, session: AsyncSession = Depends(get_session), member: Member = Depends(current_member)):
    boat = await session.get(Boat, body.boat_id)
    if boat is None or not boat.active:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "No such boat")

    if body.starts_at.date() == datetime.now(timezone.utc).date():
        reading = await current_level(get_settings().river_station_id)  # todo-expect: ERR003
        if reading.metres >= get_settings().max_safe_level_m:
            raise HTTPException(status.HTTP_409_CONFLICT, "River is closed to rowing today (red board)")

    if await session.scalar(_overlapping(Booking.boat_id, body.boat_id, body.starts_at, body.ends_at)):
        raise HTTPException(status.HTTP_409_CONFLICT, f"{boat.name} is already booked then")
    if body.oar_set_id is not None and await session.scalar(
        _overlapping(Booking.oar_set_id, body.oar_set_id, body.starts_at, body.ends_at)
    ):
        raise HTTPException(status.HTTP_409_CONFLICT, "Those oars are already booked then")

    booking = Booking(member_id=member.id, **body.model_dump())
    session.add(booking)  # expect: DB005
    await session.commit()
    logger.info("member %s booked boat %s from %s", member.id, boat.id, body.starts_at.isoformat())
    return booking


@router.delete("/{booking_id}", status_code=status.HTTP_204_NO_CONTENT)
async def cancel_booking(booking_id: int, session: AsyncSession = Depends(get_session), member: Member = Depends(current_member)):
    booking = await session.get(Booking, booking_id)  # expect: SEC018
    if booking is None or booking.status != "active":
        raise HTTPException(status.HTTP_404_NOT_FOUND, "No such booking")
    booking.status = "cancelled"
    await session.commit()
    logger.info("booking %s cancelled by member %s", booking_id, member.id)


@router.get("/boats/{boat_id}", response_model=list[BookingOut])
async def boat_history(boat_id: int, session: AsyncSession = Depends(get_session), member: Member = Depends(current_member)):
    """Everything booked on a boat, newest first, for the boathouse damage log."""
    result = await session.scalars(
        select(Booking).where(Booking.boat_id == boat_id).order_by(Booking.starts_at.desc())
    )
    return result.all()  # expect: DB002
