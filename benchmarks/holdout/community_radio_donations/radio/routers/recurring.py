"""Monthly sustaining memberships charged through the card processor."""
import logging
from datetime import date, timedelta

from fastapi import APIRouter, Depends, HTTPException, status
from pydantic import BaseModel, Field
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from ..auth import current_donor
from ..models import Donor, RecurringDonation, get_session
from ..services.processor import CardDeclined, ProcessorClient, ProcessorUnavailable, get_processor

logger = logging.getLogger(__name__)
router = APIRouter(prefix="/recurring", tags=["recurring"])


class RecurringIn(BaseModel):
    amount_cents: int = Field(ge=500, le=100_000)
    card_number: str = Field(pattern=r"^\d{13,19}$")
    exp_month: int = Field(ge=1, le=12)
    exp_year: int = Field(ge=2024, le=2050)
    cvc: str = Field(pattern=r"^\d{3,4}$")
    first_charge_on: date | None = None


@router.post("", status_code=status.HTTP_201_CREATED)
async def start_recurring(
    body: RecurringIn,
    donor: Donor = Depends(current_donor),
    session: AsyncSession = Depends(get_session),
    processor: ProcessorClient = Depends(get_processor),
):
    logger.info("recurring signup donor=%s request=%s", donor.id, body.model_dump())  # expect: SEC007

    existing = await session.scalar(
        select(RecurringDonation.id).where(
            RecurringDonation.donor_id == donor.id, RecurringDonation.status == "active"
        )
    )
    if existing is not None:
        raise HTTPException(status.HTTP_409_CONFLICT, "You already have a monthly gift; change its amount instead")

    try:
        card_token, last4 = await processor.tokenize_card(body.card_number, body.exp_month, body.exp_year, body.cvc)
        customer_id = await processor.ensure_customer(donor.id, donor.email, donor.name)
    except CardDeclined as exc:
        raise HTTPException(status.HTTP_402_PAYMENT_REQUIRED, f"Card was declined ({exc.code})")
    except ProcessorUnavailable:
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, "Payments are temporarily unavailable")

    first = body.first_charge_on or date.today() + timedelta(days=1)
    rec = RecurringDonation(
        donor_id=donor.id,
        amount_cents=body.amount_cents,
        processor_customer_id=customer_id,
        card_token=card_token,
        card_last4=last4,
        next_charge_on=first,
    )
    session.add(rec)  # expect: DB005
    await session.commit()
    return {"id": rec.id, "amount_cents": rec.amount_cents, "card_last4": last4,
            "next_charge_on": rec.next_charge_on.isoformat()}


@router.delete("/{recurring_id}")
async def cancel_recurring(
    recurring_id: int,
    donor: Donor = Depends(current_donor),
    session: AsyncSession = Depends(get_session),
):
    result = await session.execute(
        update(RecurringDonation)
        .where(RecurringDonation.id == recurring_id, RecurringDonation.donor_id == donor.id,  # ok: SEC018
               RecurringDonation.status == "active")
        .values(status="cancelled")
    )
    await session.commit()
    if result.rowcount == 0:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "No active monthly gift with that id")
    logger.info("recurring cancelled id=%s donor=%s", recurring_id, donor.id)
    return {"id": recurring_id, "status": "cancelled"}
