"""Promoter seat blocks: comps, press and artist guest seats held for a named group."""
import logging
from datetime import datetime, timezone

import redis.asyncio as redis
from fastapi import APIRouter, Depends, HTTPException, status
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from boxoffice.auth import Principal, require_role
from boxoffice.db import get_redis, get_session
from boxoffice.models import Event, Hold, Promoter, Seat, Ticket

logger = logging.getLogger(__name__)
router = APIRouter(prefix="/events/{event_id}/group-holds", tags=["group holds"])

BLOCKS_PER_HOUR = 30


class GroupHoldRequest(BaseModel):
    label: str = Field(min_length=1, max_length=80)
    seat_ids: list[int] = Field(min_length=1, max_length=60)
    until: datetime


async def _within_rate(r: redis.Redis, promoter_id: int) -> bool:
    key = f"group-holds:{promoter_id}:{datetime.now(timezone.utc):%Y%m%d%H}"
    async with r.pipeline(transaction=True) as pipe:
        pipe.incr(key)
        pipe.expire(key, 3600)
        count, _ = await pipe.execute()  # ok: SCL001
    return count <= BLOCKS_PER_HOUR


@router.post("", status_code=status.HTTP_201_CREATED)
async def block_seats(
    event_id: int,
    body: GroupHoldRequest,
    principal: Principal = Depends(require_role("promoter")),
    session: AsyncSession = Depends(get_session),
    r: redis.Redis = Depends(get_redis),
):
    if not await _within_rate(r, principal.user_id):
        raise HTTPException(status.HTTP_429_TOO_MANY_REQUESTS, detail="block limit reached for this hour")

    now = datetime.now(timezone.utc)
    if body.until <= now:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_ENTITY, detail="until must be in the future")
    seat_ids = sorted(set(body.seat_ids))

    async with session.begin():
        event = await session.scalar(
            select(Event).join(Promoter, Promoter.id == Event.promoter_id).where(
                Event.id == event_id, Promoter.owner_user_id == principal.user_id
            )
        )
        if event is None:
            raise HTTPException(status.HTTP_404_NOT_FOUND, detail="no such event")

        # Row locks on the seats, taken in id order, serialise anyone else holding them.
        locked = (await session.scalars(select(Seat.id).where(Seat.id.in_(seat_ids)).order_by(Seat.id).with_for_update())).all()
        if len(locked) != len(seat_ids):
            raise HTTPException(status.HTTP_404_NOT_FOUND, detail="unknown seat ids")

        held = await session.scalars(  # ok: DB005
            select(Hold.seat_id).where(Hold.event_id == event_id, Hold.seat_id.in_(seat_ids), Hold.expires_at > now)
        )
        sold = await session.scalars(select(Ticket.seat_id).where(Ticket.event_id == event_id, Ticket.seat_id.in_(seat_ids)))
        unavailable = set(held) | set(sold)
        if unavailable:
            raise HTTPException(status.HTTP_409_CONFLICT, detail={"unavailable": sorted(unavailable)})

        session.add_all(
            Hold(event_id=event_id, seat_id=seat_id, user_id=principal.user_id, group_label=body.label, expires_at=body.until)
            for seat_id in seat_ids
        )

    logger.info("promoter user %s blocked %d seats for event %s as %r", principal.user_id, len(seat_ids), event_id, body.label)
    return {"label": body.label, "seat_ids": seat_ids, "until": body.until.isoformat()}
