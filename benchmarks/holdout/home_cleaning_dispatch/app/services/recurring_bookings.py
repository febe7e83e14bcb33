"""Recurring bookings: reserve a weekly or fortnightly series of slots in one go."""
import logging
import uuid
from datetime import datetime, timedelta, timezone

from fastapi import APIRouter, Depends, HTTPException, status
from pydantic import BaseModel, Field
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth import require_role
from app.core import get_session
from app.models import Booking, Slot, User
from app.routers.bookings import PRICE_BY_DURATION

logger = logging.getLogger(__name__)
router = APIRouter(prefix="/recurring-bookings", tags=["bookings"])


class SeriesIn(BaseModel):
    first_slot_id: int
    occurrences: int = Field(ge=2, le=12)
    interval_weeks: int = Field(ge=1, le=2)
    address: str = Field(min_length=5, max_length=300)


async def _series_slots(session: AsyncSession, first: Slot, occurrences: int, interval: int) -> list[Slot | None]:
    targets = [first.starts_at + timedelta(weeks=i * interval) for i in range(occurrences)]
    rows = await session.scalars(
        select(Slot).where(
            Slot.zone == first.zone,
            Slot.cleaner_id == first.cleaner_id,
            Slot.starts_at.in_(targets),
        )
    )
    by_start = {slot.starts_at: slot for slot in rows}
    return [by_start.get(t) for t in targets]


async def reserve_slots(session: AsyncSession, slot_ids: list[int]) -> set[int]:
    """Flip every still-open slot to booked in one statement; returns the ids we won."""
    result = await session.execute(  # ok: DB005
        update(Slot)
        .where(Slot.id.in_(slot_ids), Slot.booked.is_(False))
        .values(booked=True)
        .returning(Slot.id)
    )
    return set(result.scalars())


@router.post("", status_code=status.HTTP_201_CREATED)
async def create_series(
    body: SeriesIn,
    user: User = Depends(require_role("customer")),
    session: AsyncSession = Depends(get_session),
):
    first = await session.get(Slot, body.first_slot_id)
    if first is None or first.starts_at <= datetime.now(timezone.utc):
        raise HTTPException(status.HTTP_404_NOT_FOUND, "Slot not available")

    slots = await _series_slots(session, first, body.occurrences, body.interval_weeks)
    missing = [i for i, slot in enumerate(slots) if slot is None]
    if missing:
        raise HTTPException(status.HTTP_409_CONFLICT, {"unavailable_occurrences": missing})

    wanted = [slot.id for slot in slots]
    won = await reserve_slots(session, wanted)
    if won != set(wanted):
        await session.rollback()
        taken = [i for i, slot in enumerate(slots) if slot.id not in won]
        raise HTTPException(status.HTTP_409_CONFLICT, {"unavailable_occurrences": taken})

    series_id = str(uuid.uuid4())
    bookings = [
        Booking(
            customer_id=user.id,
            slot_id=slot.id,
            cleaner_id=slot.cleaner_id,
            series_id=series_id,
            address=body.address,
            price_cents=PRICE_BY_DURATION.get(slot.duration_minutes, 13900),
        )
        for slot in slots
    ]
    session.add_all(bookings)
    await session.commit()
    logger.info("series %s: %d bookings for customer %s", series_id, len(bookings), user.id)
    return {"series_id": series_id, "booking_ids": [b.id for b in bookings]}
