"""Skate returns: put the pair back on the shelf and charge a damage fee if needed."""
import asyncio
import logging
from datetime import datetime, timezone

from fastapi import APIRouter, Depends, HTTPException, status
from pydantic import BaseModel, Field
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from rink.auth import require_staff
from rink.db import get_session
from rink.models import Customer, SkateRental, SkateStock, Ticket
from rink.routers.rentals import _print_slip
from rink.services.payments import PaymentDeclined, PaymentUnavailable, payments

logger = logging.getLogger(__name__)
router = APIRouter(prefix="/rentals", tags=["rentals"])

DAMAGE_FEES = {"none": 0, "dull_blade": 1500, "broken_lace_hook": 800, "cracked_boot": 6000}


class ReturnIn(BaseModel):
    damage: str = Field(default="none", pattern="^(none|dull_blade|broken_lace_hook|cracked_boot)$")


@router.post("/{rental_id}/return")
async def return_pair(
    rental_id: int,
    body: ReturnIn,
    db: AsyncSession = Depends(get_session),
    staff: Customer = Depends(require_staff),
):
    # Lock the rental row so a double tap on the tablet cannot return it twice.
    rental = await db.scalar(
        select(SkateRental).where(SkateRental.id == rental_id).with_for_update()
    )
    if rental is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such rental")
    if rental.returned_at is not None:
        return {"rental_id": rental.id, "already_returned": True}

    rental.returned_at = datetime.now(timezone.utc)
    rental.damage_fee_cents = DAMAGE_FEES[body.damage]
    await db.execute(
        update(SkateStock)
        .where(SkateStock.id == rental.stock_id)
        .values(available=SkateStock.available + 1)
    )
    await db.commit()

    if rental.damage_fee_cents:
        ticket = await db.get(Ticket, rental.ticket_id)
        owner = await db.get(Customer, ticket.customer_id)
        try:
            await payments.charge(
                customer_ref=owner.payment_customer_ref,
                amount_cents=rental.damage_fee_cents,
                description=f"Skate damage ({body.damage}), rental #{rental.id}",
                idempotency_key=f"damage-{rental.id}",
            )
        except (PaymentDeclined, PaymentUnavailable):
            logger.exception("damage fee for rental %s not collected", rental.id)
            raise HTTPException(
                status.HTTP_502_BAD_GATEWAY, "pair returned, but the damage fee could not be charged"
            ) from None

    stock = await db.get(SkateStock, rental.stock_id)
    try:
        await asyncio.to_thread(_print_slip, rental.id, stock.kind, stock.size)  # ok: CON001
    except OSError:
        logger.warning("slip printer unreachable for return of rental %s", rental.id, exc_info=True)
    return {"rental_id": rental.id, "damage_fee_cents": rental.damage_fee_cents}
