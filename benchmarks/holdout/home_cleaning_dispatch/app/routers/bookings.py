"""One-off bookings: customers pick an open slot; admins review the booking book."""
import logging
from datetime import datetime, timezone

from fastapi import APIRouter, Depends, HTTPException, Query, status
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth import require_role
from app.core import get_session
from app.models import Booking, Slot, User

logger = logging.getLogger(__name__)
router = APIRouter(prefix="/bookings", tags=["bookings"])

PRICE_BY_DURATION = {120: 9800, 180: 13900, 240: 17900}


class BookingIn(BaseModel):
    slot_id: int
    address: str = Field(min_length=5, max_length=300)
    notes: str | None = Field(default=None, max_length=1000)


class BookingOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    slot_id: int
    cleaner_id: int | None
    status: str
    price_cents: int
    created_at: datetime


@router.post("", response_model=BookingOut, status_code=status.HTTP_201_CREATED)
async def create_booking(
    body: BookingIn,
    user: User = Depends(require_role("customer")),
    session: AsyncSession = Depends(get_session),
):
    slot = await session.get(Slot, body.slot_id)
    if slot is None or slot.starts_at <= datetime.now(timezone.utc):
        raise HTTPException(status.HTTP_404_NOT_FOUND, "Slot not available")
    if slot.booked:
        raise HTTPException(status.HTTP_409_CONFLICT, "That slot was just taken, please pick another")

    await session.execute(update(Slot).where(Slot.id == slot.id).values(booked=True))  # expect: DB005
    booking = Booking(
        customer_id=user.id,
        slot_id=slot.id,
        cleaner_id=slot.cleaner_id,
        address=body.address,
        notes=body.notes,
        price_cents=PRICE_BY_DURATION.get(slot.duration_minutes, 13900),
    )
    session.add(booking)
    await session.commit()
    await session.refresh(booking)
    logger.info("booking %s created for slot %s by customer %s", booking.id, slot.id, user.id)
    return booking


@router.get("/mine", response_model=list[BookingOut])
async def my_bookings(
    limit: int = Query(20, ge=1, le=100),
    before_id: int | None = None,
    user: User = Depends(require_role("customer")),
    session: AsyncSession = Depends(get_session),
):
    stmt = select(Booking).where(Booking.customer_id == user.id).order_by(Booking.id.desc()).limit(limit)
    if before_id is not None:
        stmt = stmt.where(Booking.id < before_id)
    return (await session.scalars(stmt)).all()  # ok: DB002


@router.post("/{booking_id}/cancel", response_model=BookingOut)
async def cancel_booking(
    booking_id: int,
    user: User = Depends(require_role("customer")),
    session: AsyncSession = Depends(get_session),
):
    booking = await session.scalar(
        select(Booking).where(Booking.id == booking_id, Booking.customer_id == user.id).with_for_update()
    )
    if booking is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "Booking not found")
    if booking.status != "cancelled":
        booking.status = "cancelled"
        await session.execute(update(Slot).where(Slot.id == booking.slot_id).values(booked=False))
        await session.commit()
        logger.info("booking %s cancelled by customer %s", booking.id, user.id)
    return booking


@router.get("/admin/all", response_model=list[BookingOut])
async def admin_list_bookings(
    status_filter: str | None = Query(None, alias="status"),
    _admin: User = Depends(require_role("admin")),
    session: AsyncSession = Depends(get_session),
):
    stmt = select(Booking).order_by(Booking.created_at.desc())
    if status_filter:
        stmt = stmt.where(Booking.status == status_filter)
    return (await session.scalars(stmt)).all()  # expect: DB002
