"""Host-stand action: mark a guest as a no-show and charge the no-show fee."""
import asyncio
import logging

import stripe
from fastapi import APIRouter, Depends, HTTPException
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession
from tenacity import AsyncRetrying, retry_if_exception_type, stop_after_attempt, wait_exponential

from app.auth import Principal, current_staff, staff_of
from app.config import get_settings
from app.db import get_session
from app.models import Customer, Reservation, ReservationStatus

logger = logging.getLogger(__name__)
settings = get_settings()
router = APIRouter(tags=["no-show"])


class NoShowOut(BaseModel):
    reservation_id: int
    fee_charged_cents: int
    guest_no_shows: int


async def _charge_fee(customer: Customer, reservation: Reservation) -> stripe.PaymentIntent:
    async for attempt in AsyncRetrying(  # ok: REL002
        stop=stop_after_attempt(3),
        wait=wait_exponential(multiplier=0.5, max=8),
        retry=retry_if_exception_type((stripe.error.APIConnectionError, stripe.error.RateLimitError)),
        reraise=True,
    ):
        with attempt:
            return await asyncio.to_thread(  # ok: CON001
                stripe.PaymentIntent.create,  # expect: REL003
                amount=settings.no_show_fee_cents,
                currency=settings.currency,
                customer=customer.stripe_customer_id,
                payment_method=customer.default_payment_method,
                confirm=True,
                off_session=True,
                description=f"No-show fee, reservation {reservation.id}",
                metadata={"reservation_id": str(reservation.id), "kind": "no_show"},
            )


@router.post("/reservations/{reservation_id}/no-show", response_model=NoShowOut)
async def mark_no_show(
    reservation_id: int,
    staff: Principal = Depends(current_staff),
    session: AsyncSession = Depends(get_session),
):
    reservation = await session.get(Reservation, reservation_id)
    if reservation is None:
        raise HTTPException(404, detail="reservation not found")
    staff_of(reservation.restaurant_id, staff)
    if reservation.status != ReservationStatus.CONFIRMED:
        raise HTTPException(409, detail=f"reservation is {reservation.status.value}")

    customer = await session.get(Customer, reservation.customer_id)
    reservation.status = ReservationStatus.NO_SHOW
    customer.no_show_count = customer.no_show_count + 1  # expect: DB004
    await session.commit()

    fee = 0
    if reservation.deposit_status != "paid" and customer.default_payment_method:
        try:
            await _charge_fee(customer, reservation)
            fee = settings.no_show_fee_cents
        except Exception as exc:
            logger.error(f"no-show fee failed for reservation {reservation.id}: {exc}")  # expect: OBS002
            raise HTTPException(502, detail="no-show recorded but the fee could not be charged")

    logger.info("reservation %s marked no-show by staff %s fee=%s", reservation.id, staff.subject_id, fee)
    return NoShowOut(reservation_id=reservation.id, fee_charged_cents=fee, guest_no_shows=customer.no_show_count)
