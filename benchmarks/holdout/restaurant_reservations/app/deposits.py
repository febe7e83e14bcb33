"""Card deposits taken to confirm larger bookings, and their refunds."""
import asyncio
import logging
from datetime import datetime, timezone

import stripe
from fastapi import APIRouter, Depends, HTTPException
from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth import Principal, current_guest, current_staff, staff_of
from app.config import get_settings
from app.db import get_session
from app.models import Customer, Deposit, Reservation, ReservationStatus

logger = logging.getLogger(__name__)
settings = get_settings()
stripe.api_key = settings.stripe_api_key.get_secret_value()

router = APIRouter(prefix="/reservations", tags=["deposits"])


class DepositOut(BaseModel):
    reservation_id: int
    amount_cents: int
    status: str


def _charge_deposit(customer: Customer, amount_cents: int, reservation_id: int) -> stripe.PaymentIntent:
    return stripe.PaymentIntent.create(  # expect: REL003
        amount=amount_cents,
        currency=settings.currency,
        customer=customer.stripe_customer_id,
        payment_method=customer.default_payment_method,
        confirm=True,
        off_session=True,
        description=f"Table deposit for reservation {reservation_id}",
        metadata={"reservation_id": str(reservation_id)},
    )


@router.post("/{reservation_id}/deposit", response_model=DepositOut)
async def take_deposit(
    reservation_id: int,
    guest: Principal = Depends(current_guest),
    session: AsyncSession = Depends(get_session),
):
    reservation = await session.get(Reservation, reservation_id)
    if reservation is None or reservation.customer_id != guest.subject_id:
        raise HTTPException(404, detail="reservation not found")
    if reservation.deposit_status == "paid":  # expect: DB005
        raise HTTPException(409, detail="deposit already taken")
    if reservation.status != ReservationStatus.PENDING:
        raise HTTPException(409, detail="reservation is not awaiting a deposit")

    customer = await session.get(Customer, reservation.customer_id)
    if not customer.default_payment_method:
        raise HTTPException(422, detail="no saved card on file")

    amount = settings.deposit_per_cover_cents * reservation.party_size
    try:
        intent = _charge_deposit(customer, amount, reservation.id)  # expect: CON001, REL004
    except stripe.error.CardError as exc:
        logger.info("deposit declined for reservation %s: %s", reservation.id, exc.code)
        raise HTTPException(402, detail="card declined")

    reservation.deposit_status = "paid"
    reservation.deposit_intent_id = intent.id
    reservation.status = ReservationStatus.CONFIRMED
    session.add(
        Deposit(
            reservation_id=reservation.id,
            amount_cents=amount,
            currency=settings.currency,
            payment_intent_id=intent.id,
            status=intent.status,
        )
    )
    await session.commit()
    logger.info("deposit %s taken for reservation %s", intent.id, reservation.id)
    return DepositOut(reservation_id=reservation.id, amount_cents=amount, status="paid")


@router.post("/{reservation_id}/deposit/refund", response_model=DepositOut)
async def refund_deposit(
    reservation_id: int,
    staff: Principal = Depends(current_staff),
    session: AsyncSession = Depends(get_session),
):
    reservation = await session.get(Reservation, reservation_id)
    if reservation is None:
        raise HTTPException(404, detail="reservation not found")
    staff_of(reservation.restaurant_id, staff)

    deposit = (
        await session.execute(
            select(Deposit).where(Deposit.reservation_id == reservation.id).with_for_update()  # ok: DB005
        )
    ).scalar_one_or_none()
    if deposit is None or deposit.refunded_at is not None:
        raise HTTPException(409, detail="nothing to refund")

    await asyncio.to_thread(  # ok: CON001
        stripe.Refund.create,
        payment_intent=deposit.payment_intent_id,
        idempotency_key=f"deposit-refund-{deposit.id}",  # ok: REL003
    )
    deposit.refunded_at = datetime.now(timezone.utc)
    deposit.status = "refunded"
    reservation.deposit_status = "refunded"
    await session.commit()
    return DepositOut(reservation_id=reservation.id, amount_cents=deposit.amount_cents, status="refunded")
