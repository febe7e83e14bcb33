"""Group bookings (schools, birthday parties): reserve a block of spots, then charge."""
import logging
import uuid

from fastapi import APIRouter, Depends, HTTPException, status
from pydantic import BaseModel, Field
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from rink.auth import current_customer
from rink.db import get_session
from rink.models import Customer, SkatingSession, Ticket
from rink.services.payments import PaymentDeclined, PaymentUnavailable, payments

logger = logging.getLogger(__name__)
router = APIRouter(prefix="/group-bookings", tags=["group bookings"])

GROUP_DISCOUNT = 0.85


class GroupBookingIn(BaseModel):
    session_id: int
    skaters: int = Field(ge=9, le=60)
    request_id: uuid.UUID


async def _release_spots(db: AsyncSession, session_id: int, skaters: int) -> None:
    await db.execute(
        update(SkatingSession)
        .where(SkatingSession.id == session_id)
        .values(seats_left=SkatingSession.seats_left + skaters)
    )


@router.post("", status_code=status.HTTP_201_CREATED)
async def book_group(
    body: GroupBookingIn,
    customer: Customer = Depends(current_customer),
    db: AsyncSession = Depends(get_session),
):
    # Take the spots first, in one conditional statement, so two organisers cannot
    # both get the last block.
    reserved = await db.execute(
        update(SkatingSession)
        .where(SkatingSession.id == body.session_id, SkatingSession.seats_left >= body.skaters)
        .values(seats_left=SkatingSession.seats_left - body.skaters)  # ok: DB004
        .returning(SkatingSession.price_cents, SkatingSession.title)
    )
    row = reserved.first()
    if row is None:
        await db.rollback()
        raise HTTPException(status.HTTP_409_CONFLICT, "not enough spots left for this group")

    booking = Ticket(
        session_id=body.session_id,
        customer_id=customer.id,
        quantity=body.skaters,
        status="pending_payment",
    )
    db.add(booking)
    await db.commit()

    amount = int(row.price_cents * body.skaters * GROUP_DISCOUNT)
    try:
        charge = await payments.charge(  # ok: REL004
            customer_ref=customer.payment_customer_ref,
            amount_cents=amount,
            description=f"Group booking: {body.skaters} skaters, {row.title}",
            idempotency_key=f"group-{body.request_id}",
        )
    except (PaymentDeclined, PaymentUnavailable) as exc:
        # Give the spots back; a sweeper also cancels bookings stuck in pending_payment.
        await _release_spots(db, body.session_id, body.skaters)
        booking.status = "cancelled"
        await db.commit()
        logger.warning("group booking %s not charged: %s", booking.id, exc)
        code = status.HTTP_402_PAYMENT_REQUIRED if isinstance(exc, PaymentDeclined) else 503
        raise HTTPException(code, "payment did not go through, spots released") from exc

    booking.status = "paid"
    booking.payment_ref = charge.id
    await db.commit()
    logger.info("group booking %s paid by customer %s", booking.id, customer.id)
    return {"booking_id": booking.id, "skaters": body.skaters, "amount_cents": amount}
