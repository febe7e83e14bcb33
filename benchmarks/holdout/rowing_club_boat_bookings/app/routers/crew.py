"""Crew sign-ups for scheduled outings (v1)."""
import logging
from datetime import datetime, timedelta, timezone

from fastapi import APIRouter, Depends, HTTPException, status
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app.db import get_session
from app.models import CrewSeat, Member, Outing
from app.security import current_member

logger = logging.getLogger(__name__)
router = APIRouter(prefix="/v1/outings", tags=["crew"])

UPCOMING_DAYS = 14


async def _crew_names(session: AsyncSession, outing_id: int) -> list[str]:
    rows = await session.execute(
        select(Member.name)
        .join(CrewSeat, CrewSeat.member_id == Member.id)
        .where(CrewSeat.outing_id == outing_id)
        .order_by(CrewSeat.id)
    )
    return [name for (name,) in rows]


@router.get("/upcoming")
async def upcoming(session: AsyncSession = Depends(get_session), member: Member = Depends(current_member)):
    """The next two weeks of outings with who is in each boat, for the club notice board."""
    now = datetime.now(timezone.utc)
    outings = (
        await session.scalars(
            select(Outing)
            .where(Outing.status == "scheduled", Outing.starts_at.between(now, now + timedelta(days=UPCOMING_DAYS)))
            .order_by(Outing.starts_at)
            .limit(200)
        )
    ).all()
    board = []
    for outing in outings:  # expect: DB001
        crew = await _crew_names(session, outing.id)
        board.append(
            {
                "id": outing.id,
                "title": outing.title,
                "starts_at": outing.starts_at,
                "seats": f"{len(crew)}/{outing.seat_limit}",
                "crew": crew,
            }
        )
    return board


@router.post("/{outing_id}/crew", status_code=status.HTTP_201_CREATED)
async def sign_up(outing_id: int, session: AsyncSession = Depends(get_session), member: Member = Depends(current_member)):
    outing = await session.get(Outing, outing_id)
    if outing is None or outing.status != "scheduled":
        raise HTTPException(status.HTTP_404_NOT_FOUND, "No such outing")
    if outing.starts_at <= datetime.now(timezone.utc):
        raise HTTPException(status.HTTP_409_CONFLICT, "That outing has already started")

    taken = await session.scalar(select(func.count(CrewSeat.id)).where(CrewSeat.outing_id == outing_id))
    if taken >= outing.seat_limit:
        raise HTTPException(status.HTTP_409_CONFLICT, "Crew is full")

    session.add(CrewSeat(outing_id=outing_id, member_id=member.id))  # expect: DB005
    try:
        await session.commit()
    except IntegrityError:
        await session.rollback()
        raise HTTPException(status.HTTP_409_CONFLICT, "You are already in this crew") from None
    logger.info("member %s joined outing %s (%d/%d)", member.id, outing_id, taken + 1, outing.seat_limit)
    return {"outing": outing_id, "seat": taken + 1, "of": outing.seat_limit}


@router.delete("/{outing_id}/crew", status_code=status.HTTP_204_NO_CONTENT)
async def drop_out(outing_id: int, session: AsyncSession = Depends(get_session), member: Member = Depends(current_member)):
    result = await session.execute(
        delete(CrewSeat).where(CrewSeat.outing_id == outing_id, CrewSeat.member_id == member.id)
    )
    await session.commit()
    if result.rowcount == 0:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "You are not in this crew")
    logger.info("member %s left outing %s", member.id, outing_id)
