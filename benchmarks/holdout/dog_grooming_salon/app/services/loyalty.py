"""Stamp card: one stamp per completed groom, ten stamps buy a free full groom."""
import logging

from fastapi import APIRouter, Depends, HTTPException, status
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from ..auth import current_customer
from ..db import get_session
from ..models import Appointment, AppointmentStatus, Customer, LoyaltyCard, PrepaidPackage

logger = logging.getLogger(__name__)
router = APIRouter(prefix="/loyalty", tags=["loyalty"])

STAMPS_FOR_FREE_GROOM = 10
STAMPED_SERVICES = {"bath", "full_groom", "deshed"}


async def _card_for(session: AsyncSession, customer_id: int) -> LoyaltyCard | None:
    return await session.scalar(select(LoyaltyCard).where(LoyaltyCard.customer_id == customer_id))


async def record_visit(session: AsyncSession, appointment: Appointment) -> int:
    """Called by the front desk when an appointment is marked completed."""
    if appointment.status != AppointmentStatus.COMPLETED:
        return 0
    if appointment.service_code not in STAMPED_SERVICES:
        return 0
    card = await _card_for(session, appointment.customer_id)
    if card is None:
        card = LoyaltyCard(customer_id=appointment.customer_id, stamps=0, free_grooms_issued=0)
        session.add(card)
    card.stamps += 1  # expect: DB004
    await session.commit()
    logger.info("loyalty stamp added customer=%s appointment=%s stamps=%s",
                appointment.customer_id, appointment.id, card.stamps)
    return card.stamps


@router.get("")
async def my_card(customer: Customer = Depends(current_customer), session: AsyncSession = Depends(get_session)):
    card = await _card_for(session, customer.id)
    stamps = card.stamps if card else 0
    return {
        "stamps": stamps,
        "needed": STAMPS_FOR_FREE_GROOM,
        "free_grooms_available": stamps // STAMPS_FOR_FREE_GROOM,
    }


@router.post("/redeem", status_code=status.HTTP_201_CREATED)
async def redeem(customer: Customer = Depends(current_customer), session: AsyncSession = Depends(get_session)):
    card = await _card_for(session, customer.id)
    if card is None or card.stamps < STAMPS_FOR_FREE_GROOM:
        raise HTTPException(status.HTTP_409_CONFLICT, "not enough stamps yet")

    package = PrepaidPackage(customer_id=customer.id, service_code="full_groom", sessions_left=1)
    session.add(package)  # expect: DB005
    card.stamps -= STAMPS_FOR_FREE_GROOM  # expect: DB004
    card.free_grooms_issued += 1
    await session.commit()
    logger.info("loyalty redeemed customer=%s package=%s", customer.id, package.id)
    return {"package_id": package.id, "stamps_left": card.stamps}
