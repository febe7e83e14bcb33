"""Crew sign-ups (v2): the seat counter on the outing is the gate.

A seat is claimed by one conditional UPDATE that only succeeds while
seats_taken < seat_limit, so two members racing for the last seat cannot both
get it; the crew row and the counter change in the same transaction.
"""
import logging
from datetime import datetime, timedelta, timezone

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from app.models import CrewSeat, Outing

logger = logging.getLogger(__name__)


class CrewFull(Exception):
    pass


class AlreadyInCrew(Exception):
    pass


class NotInCrew(Exception):
    pass


async def claim_seat(session: AsyncSession, outing_id: int, member_id: int) -> int:
    """Returns the number of seats taken after the claim."""
    now = datetime.now(timezone.utc)
    try:
        result = await session.execute(
            update(Outing)  # ok: DB004
            .where(
                Outing.id == outing_id,
                Outing.status == "scheduled",
                Outing.starts_at > now,
                Outing.seats_taken < Outing.seat_limit,
            )
            .values(seats_taken=Outing.seats_taken + 1)
            .returning(Outing.seats_taken)
        )
        taken = result.scalar_one_or_none()
        if taken is None:
            raise CrewFull()
        session.add(CrewSeat(outing_id=outing_id, member_id=member_id))
        await session.flush()
        await session.commit()
    except IntegrityError:
        await session.rollback()
        raise AlreadyInCrew() from None
    except Exception:
        await session.rollback()
        raise
    logger.info("member %s claimed seat %d on outing %s", member_id, taken, outing_id)
    return taken


async def leave(session: AsyncSession, outing_id: int, member_id: int) -> None:
    try:
        result = await session.execute(
            delete(CrewSeat).where(CrewSeat.outing_id == outing_id, CrewSeat.member_id == member_id)
        )
        if result.rowcount == 0:
            raise NotInCrew()
        await session.execute(
            update(Outing).where(Outing.id == outing_id).values(seats_taken=Outing.seats_taken - 1)
        )
        await session.commit()
    except Exception:
        await session.rollback()
        raise
    logger.info("member %s left outing %s", member_id, outing_id)


async def notice_board(session: AsyncSession, days: int = 14) -> list[dict]:
    """Upcoming outings with their crews: three queries in total, whatever the count."""
    now = datetime.now(timezone.utc)
    outings = (
        await session.scalars(
            select(Outing)
            .where(Outing.status == "scheduled", Outing.starts_at.between(now, now + timedelta(days=days)))
            .options(selectinload(Outing.crew).selectinload(CrewSeat.member))
            .order_by(Outing.starts_at)
            .limit(200)
        )
    ).all()
    return [
        {
            "id": outing.id,
            "title": outing.title,
            "starts_at": outing.starts_at,
            "seats": f"{outing.seats_taken}/{outing.seat_limit}",
            "crew": [seat.member.name for seat in outing.crew],  # ok: DB001
        }
        for outing in outings
    ]
