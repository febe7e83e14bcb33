"""Pledges during on-air drives, and the public progress bar."""
import logging
from datetime import datetime

from fastapi import APIRouter, Depends, HTTPException, status
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from ..auth import current_donor
from ..models import Donor, Drive, Pledge, get_session
from ..services.emails import send_thank_you

logger = logging.getLogger(__name__)
router = APIRouter(prefix="/drives", tags=["pledges"])


class PledgeIn(BaseModel):
    amount_cents: int = Field(ge=500, le=5_000_000)
    dedication: str | None = Field(default=None, max_length=500)


class PledgeOut(BaseModel):
    id: int
    drive: str
    amount_cents: int
    drive_raised_cents: int


class DriveProgress(BaseModel):
    slug: str
    name: str
    goal_cents: int
    raised_cents: int
    ends_at: datetime


async def _active_drive(session: AsyncSession, slug: str) -> Drive:
    drive = await session.scalar(select(Drive).where(Drive.slug == slug, Drive.is_active.is_(True)))
    if drive is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "No active drive with that name")
    return drive


@router.get("/{slug}", response_model=DriveProgress)
async def drive_progress(slug: str, session: AsyncSession = Depends(get_session)):
    drive = await _active_drive(session, slug)
    return DriveProgress(slug=drive.slug, name=drive.name, goal_cents=drive.goal_cents,
                         raised_cents=drive.raised_cents, ends_at=drive.ends_at)


@router.get("/{slug}/recent")
async def recent_pledges(slug: str, session: AsyncSession = Depends(get_session)):
    """Ticker shown on the website while the drive is on air (first names only)."""
    drive = await _active_drive(session, slug)
    rows = await session.execute(
        select(Pledge.amount_cents, Pledge.created_at, Donor.name)
        .join(Donor, Donor.id == Pledge.donor_id)
        .where(Pledge.drive_id == drive.id)
        .order_by(Pledge.created_at.desc())
        .limit(20)  # ok: DB002
    )
    return [
        {"name": name.split(" ")[0], "amount_cents": amount, "at": created.isoformat()}
        for amount, created, name in rows
    ]


@router.post("/{slug}/pledges", response_model=PledgeOut, status_code=status.HTTP_201_CREATED)
async def create_pledge(
    slug: str,
    body: PledgeIn,
    donor: Donor = Depends(current_donor),
    session: AsyncSession = Depends(get_session),
):
    drive = await _active_drive(session, slug)
    pledge = Pledge(drive_id=drive.id, donor_id=donor.id, amount_cents=body.amount_cents,
                    dedication=body.dedication)
    session.add(pledge)
    drive.raised_cents = drive.raised_cents + body.amount_cents  # expect: DB004
    await session.commit()
    logger.info("pledge recorded pledge=%s drive=%s donor=%s", pledge.id, drive.slug, donor.id)

    send_thank_you(donor.email, donor.name, drive.name, body.amount_cents, body.dedication)  # expect: CON001
    return PledgeOut(id=pledge.id, drive=drive.slug, amount_cents=pledge.amount_cents,
                     drive_raised_cents=drive.raised_cents)
