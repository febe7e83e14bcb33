"""Donor self-service: giving history, tax receipts, profile."""
import logging
from datetime import datetime, timezone

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field
from sqlalchemy import extract, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from ..auth import current_donor
from ..models import Donor, Drive, Pledge, get_session

logger = logging.getLogger(__name__)
router = APIRouter(prefix="/me", tags=["donors"])

HISTORY_LIMIT = 200


class ProfileIn(BaseModel):
    name: str = Field(min_length=1, max_length=120)


async def _drive_label(session: AsyncSession, drive_id: int) -> str:
    name = await session.scalar(select(Drive.name).where(Drive.id == drive_id))
    return name or "General fund"


@router.get("/history")
async def giving_history(donor: Donor = Depends(current_donor), session: AsyncSession = Depends(get_session)):
    pledges = (
        await session.scalars(
            select(Pledge)
            .where(Pledge.donor_id == donor.id)
            .order_by(Pledge.created_at.desc())
            .limit(HISTORY_LIMIT)
        )
    ).all()
    items = []
    for pledge in pledges:
        items.append({
            "id": pledge.id,
            "drive": await _drive_label(session, pledge.drive_id),  # expect: DB001
            "amount_cents": pledge.amount_cents,
            "matched_cents": pledge.matched_cents,
            "date": pledge.created_at.date().isoformat(),
        })
    return {"items": items, "truncated": len(items) == HISTORY_LIMIT}


@router.get("/receipts/{year}")
async def tax_receipt(year: int, donor: Donor = Depends(current_donor),
                      session: AsyncSession = Depends(get_session)):
    """Year-end summary for the donor's tax return (pledges only; match money is the sponsor's)."""
    total, count = (
        await session.execute(
            select(func.coalesce(func.sum(Pledge.amount_cents), 0), func.count(Pledge.id))
            .where(Pledge.donor_id == donor.id, extract("year", Pledge.created_at) == year)
        )
    ).one()
    if count == 0:
        return {"status": "error", "message": f"No gifts recorded for {year}"}  # todo-expect: MNT001
    return {
        "donor": donor.name,
        "year": year,
        "gifts": count,
        "total_cents": total,
        "issued_at": datetime.now(timezone.utc).isoformat(),
        "statement": "No goods or services were provided in exchange for these contributions.",
    }


@router.patch("")
async def update_profile(body: ProfileIn, donor: Donor = Depends(current_donor),
                         session: AsyncSession = Depends(get_session)):
    donor.name = body.name
    session.add(donor)
    await session.commit()
    logger.info("profile updated donor=%s", donor.id)
    return {"donor_id": donor.id, "name": donor.name}
