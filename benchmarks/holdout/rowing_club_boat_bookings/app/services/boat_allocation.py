"""Boat and oar bookings (v2): overlap checks run under a row lock on the resource.

Locks are always taken boat first, then oar set, so two bookings that want the
same pair cannot deadlock each other.
"""
import logging
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import Boat, Booking, Member, OarSet

logger = logging.getLogger(__name__)

PAGE_MAX = 100


class BookingConflict(Exception):
    pass


class NotFound(Exception):
    pass


def _overlap(column, resource_id: int, starts_at: datetime, ends_at: datetime):
    return (
        select(Booking.id)
        .where(column == resource_id, Booking.status == "active")
        .where(Booking.starts_at < ends_at, Booking.ends_at > starts_at)
        .limit(1)
    )


async def reserve(
    session: AsyncSession,
    member: Member,
    boat_id: int,
    starts_at: datetime,
    ends_at: datetime,
    oar_set_id: int | None = None,
    outing_id: int | None = None,
) -> Booking:
    try:
        boat = await session.scalar(
            select(Boat).where(Boat.id == boat_id, Boat.active.is_(True)).with_for_update()
        )
        if boat is None:
            raise NotFound("No such boat")
        if oar_set_id is not None:
            oars = await session.scalar(select(OarSet).where(OarSet.id == oar_set_id).with_for_update())
            if oars is None:
                raise NotFound("No such oar set")

        if await session.scalar(_overlap(Booking.boat_id, boat_id, starts_at, ends_at)):  # ok: DB005
            raise BookingConflict(f"{boat.name} is already booked then")
        if oar_set_id is not None and await session.scalar(
            _overlap(Booking.oar_set_id, oar_set_id, starts_at, ends_at)
        ):
            raise BookingConflict("Those oars are already booked then")

        booking = Booking(
            member_id=member.id,
            boat_id=boat_id,
            oar_set_id=oar_set_id,
            outing_id=outing_id,
            starts_at=starts_at,
            ends_at=ends_at,
        )
        session.add(booking)
        await session.commit()
    except Exception:
        await session.rollback()
        raise

    logger.info("member %s booked boat %s (booking %s)", member.id, boat_id, booking.id)
    return booking


async def cancel(session: AsyncSession, member: Member, booking_id: int) -> None:
    """Members cancel their own bookings; captains may cancel anyone's."""
    query = select(Booking).where(Booking.id == booking_id, Booking.status == "active")
    if member.role not in ("captain", "admin"):
        query = query.where(Booking.member_id == member.id)
    booking = await session.scalar(query.with_for_update())
    if booking is None:
        await session.rollback()
        raise NotFound("No such booking")
    booking.status = "cancelled"
    await session.commit()
    logger.info("booking %s cancelled by member %s", booking_id, member.id)


async def boat_history(session: AsyncSession, boat_id: int, before: datetime | None = None, limit: int = 50):
    """One page of a boat's bookings, newest first; pass the last starts_at as `before`."""
    query = select(Booking).where(Booking.boat_id == boat_id)
    if before is not None:
        query = query.where(Booking.starts_at < before)
    query = query.order_by(Booking.starts_at.desc()).limit(min(max(limit, 1), PAGE_MAX))
    return (await session.scalars(query)).all()  # ok: DB002
