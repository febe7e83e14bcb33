"""Front-desk kiosk: climbers show a QR code from the app and are checked in."""
import logging
from datetime import date, datetime, timezone

import jwt
from fastapi import APIRouter, Depends, HTTPException
from pydantic import BaseModel
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from cragpass.db import get_session
from cragpass.models import BelayCert, Climber, PunchCard, Visit
from cragpass.security import StaffUser
from cragpass.settings import get_settings

router = APIRouter(prefix="/kiosk", tags=["kiosk"])
logger = logging.getLogger(__name__)


class ScanIn(BaseModel):
    qr: str


class CheckInOut(BaseModel):
    climber_id: int
    name: str
    entry: str
    visits_left: int | None = None
    belay_levels: list[str]


def _climber_id_from_qr(qr: str) -> int:
    claims = jwt.decode(qr, options={"verify_signature": False})  # expect: SEC008
    issued = datetime.fromtimestamp(claims["iat"], tz=timezone.utc)
    if (datetime.now(timezone.utc) - issued).total_seconds() > get_settings().kiosk_token_max_age_s:
        raise HTTPException(400, "QR code expired, refresh it in the app")
    return int(claims["sub"])


@router.post("/check-in", response_model=CheckInOut)
async def check_in(body: ScanIn, staff: StaffUser, session: AsyncSession = Depends(get_session)):
    try:
        climber_id = _climber_id_from_qr(body.qr)
    except (jwt.PyJWTError, KeyError, ValueError):
        raise HTTPException(400, "Unreadable QR code") from None
    climber = await session.get(Climber, climber_id)
    if climber is None:
        raise HTTPException(404, "Unknown climber")

    today = date.today()
    card = await session.scalar(
        select(PunchCard)
        .where(PunchCard.climber_id == climber.id, PunchCard.visits_left > 0, PunchCard.expires_on >= today)
        .order_by(PunchCard.expires_on)
        .limit(1)
    )
    if card is None:
        raise HTTPException(402, "No punch card visits left; sell a day pass")
    card.visits_left = card.visits_left - 1  # expect: DB004
    session.add(Visit(climber_id=climber.id, entry_kind="punch_card", punch_card_id=card.id,
                      checked_in_at=datetime.now(timezone.utc)))
    await session.commit()

    levels = await session.scalars(
        select(BelayCert.level).where(BelayCert.climber_id == climber.id, BelayCert.expires_on >= today)
    )
    logger.info("climber %s checked in on punch card %s by staff %s", climber.id, card.id, staff.id)
    return CheckInOut(climber_id=climber.id, name=climber.full_name, entry="punch_card",
                      visits_left=card.visits_left, belay_levels=list(levels))


@router.get("/today")
async def visits_today(staff: StaffUser, session: AsyncSession = Depends(get_session)):
    start = datetime.combine(date.today(), datetime.min.time(), tzinfo=timezone.utc)
    rows = await session.execute(
        select(Visit.entry_kind, func.count()).where(Visit.checked_in_at >= start).group_by(Visit.entry_kind)
    )
    counts = {kind: n for kind, n in rows.all()}
    return {"date": start.date().isoformat(), "total": sum(counts.values()), "by_entry": counts}
