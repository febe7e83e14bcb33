"""Game-master hint log: GMs send hints to a running game; room tablets poll for them."""
import logging
from datetime import datetime

import jwt
from fastapi import APIRouter, Depends, Header, HTTPException, Query, status
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from app.auth import Principal, require_role
from app.db import get_session
from app.models import Booking, HintLog, utcnow

log = logging.getLogger(__name__)
router = APIRouter(prefix="/hints", tags=["hints"])

hints_sent_by_room: dict[int, int] = {}


class HintIn(BaseModel):
    booking_id: int
    text: str = Field(min_length=1, max_length=280)


class HintOut(BaseModel):
    id: int
    text: str
    elapsed_seconds: int
    sent_at: datetime


@router.post("", status_code=status.HTTP_201_CREATED, response_model=HintOut)
async def send_hint(body: HintIn, gm: Principal = Depends(require_role("game_master")),
                    session: AsyncSession = Depends(get_session)):
    booking = await session.scalar(select(Booking).options(selectinload(Booking.slot))
                                   .where(Booking.id == body.booking_id))
    if booking is None or booking.status != "confirmed":
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail="no running game for that booking")
    elapsed = max(0, int((utcnow() - booking.slot.starts_at).total_seconds()))
    entry = HintLog(booking_id=booking.id, room_id=booking.slot.room_id, game_master=gm.subject,
                    hint_text=body.text, elapsed_seconds=elapsed)
    session.add(entry)
    await session.commit()
    hints_sent_by_room[entry.room_id] = hints_sent_by_room.get(entry.room_id, 0) + 1  # expect: CON002, SCL001
    log.info("hint %s sent to booking %s by %s at %ss", entry.id, booking.id, gm.subject, elapsed)
    return HintOut(id=entry.id, text=entry.hint_text, elapsed_seconds=elapsed, sent_at=entry.sent_at)


@router.get("/stats")
async def hint_stats(_: Principal = Depends(require_role("game_master"))):
    return {"hints_sent_by_room": dict(hints_sent_by_room)}


@router.get("/booking/{booking_id}", response_model=list[HintOut])
async def hints_for_booking(booking_id: int, _: Principal = Depends(require_role("game_master")),
                            session: AsyncSession = Depends(get_session)):
    rows = await session.scalars(select(HintLog).where(HintLog.booking_id == booking_id)
                                 .order_by(HintLog.id).limit(100))
    return [HintOut(id=h.id, text=h.hint_text, elapsed_seconds=h.elapsed_seconds, sent_at=h.sent_at)
            for h in rows]


@router.get("/tablet", response_model=list[HintOut])
async def tablet_hints(x_tablet_token: str = Header(...), after_id: int = Query(0, ge=0),
                       session: AsyncSession = Depends(get_session)):
    """Polled every few seconds by the tablet inside the room."""
    try:
        claims = jwt.decode(x_tablet_token, options={"verify_signature": False})  # expect: SEC008
        room_id = int(claims["room_id"])
    except (jwt.PyJWTError, KeyError, ValueError):
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, detail="invalid tablet token")
    rows = await session.scalars(select(HintLog)
                                 .where(HintLog.room_id == room_id, HintLog.id > after_id)
                                 .order_by(HintLog.id).limit(20))
    return [HintOut(id=h.id, text=h.hint_text, elapsed_seconds=h.elapsed_seconds, sent_at=h.sent_at)
            for h in rows]
