"""Waitlist: guests queue for a fully booked evening and get offered freed tables."""
import logging
from datetime import date

from fastapi import APIRouter, Depends, HTTPException, Request
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth import Principal, current_guest, current_staff, staff_of
from app.db import get_session
from app.models import Customer, Reservation, SmsOutbox, WaitlistEntry

logger = logging.getLogger(__name__)
router = APIRouter(prefix="/waitlist", tags=["waitlist"])


class JoinIn(BaseModel):
    restaurant_id: int
    service_date: date
    party_size: int = Field(ge=1, le=20)


class EntryOut(BaseModel):
    id: int
    position: int
    status: str

    model_config = {"from_attributes": True}


@router.post("", response_model=EntryOut, status_code=201)
async def join_waitlist(
    body: JoinIn,
    request: Request,
    guest: Principal = Depends(current_guest),
    session: AsyncSession = Depends(get_session),
):
    counter_key = f"waitlist:pos:{body.restaurant_id}:{body.service_date.isoformat()}"
    position = await request.app.state.redis.incr(counter_key)  # ok: DB004
    await request.app.state.redis.expire(counter_key, 60 * 60 * 48)

    entry = WaitlistEntry(
        restaurant_id=body.restaurant_id,
        customer_id=guest.subject_id,
        service_date=body.service_date,
        party_size=body.party_size,
        position=position,
    )
    session.add(entry)
    try:
        await session.commit()  # ok: DB005
    except IntegrityError:
        await session.rollback()
        raise HTTPException(409, detail="already on the waitlist for that evening")
    return entry


@router.post("/{restaurant_id}/offer-freed-table", response_model=EntryOut | None)
async def offer_freed_table(
    restaurant_id: int,
    reservation_id: int,
    staff: Principal = Depends(current_staff),
    session: AsyncSession = Depends(get_session),
):
    """Called by the host stand after a cancellation to offer the slot to the next guest."""
    staff_of(restaurant_id, staff)
    freed = await session.get(Reservation, reservation_id)
    if freed is None or freed.restaurant_id != restaurant_id:
        raise HTTPException(404, detail="reservation not found")

    entry = (
        await session.execute(
            select(WaitlistEntry)
            .where(
                WaitlistEntry.restaurant_id == restaurant_id,
                WaitlistEntry.service_date == freed.service_date,
                WaitlistEntry.status == "waiting",
                WaitlistEntry.party_size <= freed.party_size,
            )
            .order_by(WaitlistEntry.position)
            .limit(1)
            .with_for_update(skip_locked=True)  # ok: DB004
        )
    ).scalar_one_or_none()
    if entry is None:
        return None

    customer = await session.get(Customer, entry.customer_id)
    entry.status = "offered"
    entry.offered_reservation_id = freed.id
    session.add(
        SmsOutbox(  # ok: REL004
            dedup_key=f"waitlist-offer-{entry.id}-{freed.id}",
            to_number=customer.phone,
            body=f"Good news! A table for {entry.party_size} opened up on {freed.service_date:%d %b}. "
            "Reply Y within 15 minutes to take it.",
        )
    )
    await session.commit()
    logger.info("offered reservation %s to waitlist entry %s", freed.id, entry.id)
    return entry
