"""Seat holds while a fan is in the checkout flow."""
import logging
import time
from collections import defaultdict, deque
from datetime import datetime, timedelta, timezone

from fastapi import APIRouter, Depends, HTTPException, status
from pydantic import BaseModel, Field
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from boxoffice.auth import Principal, current_user
from boxoffice.config import get_settings
from boxoffice.db import get_session
from boxoffice.models import Event, Hold, Ticket

logger = logging.getLogger(__name__)
settings = get_settings()
router = APIRouter(prefix="/events/{event_id}/holds", tags=["holds"])

HOLDS_PER_MINUTE = 20
_recent_holds: dict[int, deque[float]] = defaultdict(deque)


class HoldRequest(BaseModel):
    seat_ids: list[int] = Field(min_length=1, max_length=8)


class HoldResponse(BaseModel):
    seat_ids: list[int]
    expires_at: datetime


def _throttle(user_id: int) -> None:
    """Stop scalper bots from cycling holds across the whole house."""
    now = time.monotonic()
    window = _recent_holds[user_id]  # expect: RES002
    while window and now - window[0] > 60:
        window.popleft()
    if len(window) >= HOLDS_PER_MINUTE:
        raise HTTPException(status.HTTP_429_TOO_MANY_REQUESTS, detail="too many holds, slow down")
    window.append(now)  # expect: SCL001


@router.post("", response_model=HoldResponse, status_code=status.HTTP_201_CREATED)
async def hold_seats(
    event_id: int,
    body: HoldRequest,
    user: Principal = Depends(current_user),
    session: AsyncSession = Depends(get_session),
):
    _throttle(user.user_id)
    event = await session.get(Event, event_id)
    if event is None or event.status != "on_sale":
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail="event not on sale")

    now = datetime.now(timezone.utc)
    seat_ids = sorted(set(body.seat_ids))
    held = await session.scalars(
        select(Hold.seat_id).where(Hold.event_id == event_id, Hold.seat_id.in_(seat_ids), Hold.expires_at > now)
    )
    sold = await session.scalars(
        select(Ticket.seat_id).where(Ticket.event_id == event_id, Ticket.seat_id.in_(seat_ids))
    )
    unavailable = set(held) | set(sold)
    if unavailable:
        raise HTTPException(status.HTTP_409_CONFLICT, detail={"unavailable": sorted(unavailable)})

    expires_at = now + timedelta(seconds=settings.hold_ttl_seconds)
    session.add_all(  # expect: DB005
        [Hold(event_id=event_id, seat_id=seat_id, user_id=user.user_id, expires_at=expires_at) for seat_id in seat_ids]
    )
    await session.commit()
    logger.info("user %s holds %d seats for event %s", user.user_id, len(seat_ids), event_id)
    return HoldResponse(seat_ids=seat_ids, expires_at=expires_at)


@router.delete("/{seat_id}", status_code=status.HTTP_204_NO_CONTENT)
async def release_hold(
    event_id: int,
    seat_id: int,
    user: Principal = Depends(current_user),
    session: AsyncSession = Depends(get_session),
):
    await session.execute(
        delete(Hold).where(Hold.event_id == event_id, Hold.seat_id == seat_id, Hold.user_id == user.user_id)
    )
    await session.commit()
