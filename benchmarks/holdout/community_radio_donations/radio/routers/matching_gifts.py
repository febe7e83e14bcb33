"""Pledges that a sponsor matches dollar for dollar while the match lasts."""
import logging

from fastapi import APIRouter, Depends, HTTPException, status
from pydantic import BaseModel, Field
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from ..auth import current_donor
from ..models import Donor, Drive, MatchingGift, Pledge, get_session
from ..services.mailer_async import MailError, send_match_thank_you

logger = logging.getLogger(__name__)
router = APIRouter(prefix="/drives", tags=["matching"])


class MatchedPledgeIn(BaseModel):
    amount_cents: int = Field(ge=500, le=5_000_000)
    dedication: str | None = Field(default=None, max_length=500)


@router.post("/{slug}/matches/{match_id}/pledges", status_code=status.HTTP_201_CREATED)
async def create_matched_pledge(
    slug: str,
    match_id: int,
    body: MatchedPledgeIn,
    donor: Donor = Depends(current_donor),
    session: AsyncSession = Depends(get_session),
):
    drive = await session.scalar(select(Drive).where(Drive.slug == slug, Drive.is_active.is_(True)))
    if drive is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "No active drive with that name")

    # Take as much of the match as is left, in one statement, so concurrent
    # pledges can never spend the sponsor's money twice.
    claimed = await session.execute(
        update(MatchingGift)
        .where(MatchingGift.id == match_id, MatchingGift.drive_id == drive.id,
               MatchingGift.remaining_cents >= body.amount_cents)  # ok: DB005
        .values(remaining_cents=MatchingGift.remaining_cents - body.amount_cents)  # ok: DB004
        .returning(MatchingGift.sponsor_name)
    )
    sponsor = claimed.scalar_one_or_none()
    matched = body.amount_cents if sponsor is not None else 0

    pledge = Pledge(drive_id=drive.id, donor_id=donor.id, amount_cents=body.amount_cents,
                    matched_cents=matched, dedication=body.dedication)
    session.add(pledge)
    raised = await session.execute(
        update(Drive)
        .where(Drive.id == drive.id)
        .values(raised_cents=Drive.raised_cents + body.amount_cents + matched)  # ok: DB004
        .returning(Drive.raised_cents)
    )
    drive_total = raised.scalar_one()
    await session.commit()
    logger.info("matched pledge=%s drive=%s donor=%s matched=%s", pledge.id, drive.slug, donor.id, matched)

    try:
        await send_match_thank_you(donor.email, donor.name, drive.name, body.amount_cents,  # ok: CON001
                                   matched, sponsor or "", body.dedication)
    except MailError:
        logger.warning("match thank-you not sent pledge=%s", pledge.id, exc_info=True)

    return {
        "id": pledge.id,
        "amount_cents": pledge.amount_cents,
        "matched_cents": matched,
        "drive_raised_cents": drive_total,
        "match_exhausted": sponsor is None,
    }
