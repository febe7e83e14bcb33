"""Customers tip their cleaner after a completed booking."""
import asyncio
import logging

import httpx
from fastapi import APIRouter, Depends, HTTPException, status
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth import require_role
from app.core import get_session, settings
from app.models import Booking, Cleaner, Tip, User

logger = logging.getLogger(__name__)
router = APIRouter(prefix="/bookings", tags=["tips"])

CHARGE_ATTEMPTS = 3


class TipIn(BaseModel):
    amount_cents: int = Field(gt=0, le=50_000)
    payment_method_id: str = Field(min_length=3, max_length=64)


async def charge_customer(customer_id: int, amount_cents: int, payment_method_id: str, description: str) -> dict:
    headers = {"Authorization": f"Bearer {settings.payments_api_key.get_secret_value()}"}
    async with httpx.AsyncClient(base_url=settings.payments_base_url, timeout=None) as client:  # expect: REL001
        for attempt in range(CHARGE_ATTEMPTS):
            try:
                resp = await client.post(  # expect: REL003
                    "/charges",
                    json={
                        "amount": amount_cents,
                        "currency": "usd",
                        "customer_ref": str(customer_id),
                        "payment_method": payment_method_id,
                        "description": description,
                    },
                    headers=headers,
                )
                resp.raise_for_status()
                return resp.json()
            except httpx.TransportError:
                if attempt == CHARGE_ATTEMPTS - 1:
                    raise
                await asyncio.sleep(0.5 * 2**attempt)
    raise RuntimeError("unreachable")


@router.post("/{booking_id}/tip", status_code=status.HTTP_201_CREATED)
async def tip_cleaner(
    booking_id: int,
    body: TipIn,
    user: User = Depends(require_role("customer")),
    session: AsyncSession = Depends(get_session),
):
    booking = await session.scalar(
        select(Booking).where(Booking.id == booking_id, Booking.customer_id == user.id)  # ok: SEC018
    )
    if booking is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "Booking not found")
    if booking.status != "completed" or booking.cleaner_id is None:
        raise HTTPException(status.HTTP_409_CONFLICT, "Tips can be added once the clean is completed")
    if await session.scalar(select(Tip.id).where(Tip.booking_id == booking.id)):
        raise HTTPException(status.HTTP_409_CONFLICT, "You already tipped for this booking")

    try:
        charge = await charge_customer(  # expect: DB005
            user.id, body.amount_cents, body.payment_method_id, f"Tip for booking {booking.id}"
        )
    except httpx.HTTPError as exc:
        logger.error("tip charge failed for booking %s: %s", booking.id, exc)  # expect: OBS002
        raise HTTPException(status.HTTP_402_PAYMENT_REQUIRED, "We couldn't charge your card") from None

    session.add(
        Tip(
            booking_id=booking.id,
            cleaner_id=booking.cleaner_id,
            amount_cents=body.amount_cents,
            provider_charge_id=charge["id"],
        )
    )
    cleaner = await session.get(Cleaner, booking.cleaner_id)
    cleaner.pending_payout_cents = cleaner.pending_payout_cents + body.amount_cents  # expect: DB004
    await session.commit()  # todo-expect: REL004
    logger.info("tip of %d cents on booking %s for cleaner %s", body.amount_cents, booking.id, cleaner.id)
    return {"booking_id": booking.id, "amount_cents": body.amount_cents, "charge_id": charge["id"]}
