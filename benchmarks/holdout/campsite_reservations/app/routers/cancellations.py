"""Cancellation endpoint used by the booking widget's "manage booking" page."""
from __future__ import annotations

import logging
from datetime import date

from fastapi import APIRouter, BackgroundTasks, Depends, HTTPException
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth import Principal, current_principal
from app.db import get_session
from app.models import Cancellation, Deposit, Reservation
from app.services import payments

router = APIRouter(prefix="/reservations", tags=["cancellations"])
logger = logging.getLogger(__name__)

FREE_CANCELLATIONS_PER_SEASON = 3


class CancelIn(BaseModel):
    reason: str | None = Field(default=None, max_length=200)


class CancelOut(BaseModel):
    reservation_id: int
    status: str
    refund_cents: int


def refund_for(deposit_cents: int, arrive: date, prior_cancellations: int) -> int:
    days_out = (arrive - date.today()).days
    if prior_cancellations >= FREE_CANCELLATIONS_PER_SEASON:
        return 0
    if days_out >= 14:
        return deposit_cents
    if days_out >= 3:
        return deposit_cents // 2
    return 0


@router.post("/{reservation_id}/cancel", response_model=CancelOut)
async def cancel_reservation(
    reservation_id: int,
    body: CancelIn,
    background: BackgroundTasks,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> CancelOut:
    reservation = await session.get(Reservation, reservation_id)  # expect: SEC018
    if reservation is None:
        raise HTTPException(status_code=404, detail="reservation not found")
    if reservation.status not in ("confirmed", "pending_deposit"):
        raise HTTPException(status_code=409, detail=f"cannot cancel a {reservation.status} booking")

    deposit = await session.scalar(
        select(Deposit).where(Deposit.reservation_id == reservation.id)
    )
    customer = principal.customer
    refund_cents = 0
    if deposit is not None and deposit.status == "captured":
        refund_cents = refund_for(
            deposit.amount_cents, reservation.arrive, customer.cancellations_this_season
        )

    reservation.status = "cancelled"  # expect: DB005
    customer.cancellations_this_season += 1  # expect: DB004
    session.add(
        Cancellation(reservation_id=reservation.id, refund_cents=refund_cents, reason=body.reason)
    )
    await session.commit()

    if refund_cents:
        background.add_task(payments.refund_deposit, reservation.id, refund_cents)  # expect: REL005
    logger.info(
        "reservation %s cancelled by customer %s, refund %s",
        reservation.id,
        customer.id,
        refund_cents,
    )
    return CancelOut(reservation_id=reservation.id, status="cancelled", refund_cents=refund_cents)
