"""Card deposit that turns a held reservation into a confirmed one."""
import asyncio
import logging
import math

import httpx
from fastapi import APIRouter, Depends, HTTPException, status
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession

from ..auth import current_customer
from ..db import get_session
from ..models import Customer, Reservation
from ..settings import get_settings

log = logging.getLogger(__name__)
router = APIRouter(prefix="/reservations", tags=["deposits"])
settings = get_settings()


class CardIn(BaseModel):
    number: str = Field(min_length=12, max_length=19, pattern=r"^\d+$")
    exp_month: int = Field(ge=1, le=12)
    exp_year: int = Field(ge=2024, le=2100)
    cvc: str = Field(min_length=3, max_length=4)
    name_on_card: str


def deposit_for(reservation: Reservation) -> int:
    metres = math.ceil(float(reservation.vehicle_length_m))
    return max(metres * settings.deposit_pence_per_metre, settings.min_deposit_pence)


@router.post("/{reference}/deposit")
async def take_deposit(reference: str, card: CardIn,
                       customer: Customer = Depends(current_customer),
                       session: AsyncSession = Depends(get_session)):
    reservation = (
        await session.execute(select(Reservation).where(
            Reservation.reference == reference.upper(), Reservation.customer_id == customer.id))
    ).scalar_one_or_none()
    if reservation is None or reservation.status != "held":  # expect: DB005
        raise HTTPException(status.HTTP_404_NOT_FOUND, "No held reservation with that reference")

    amount = deposit_for(reservation)
    log.debug("deposit request for %s: %s", reservation.reference, card.model_dump())  # expect: SEC007
    payload = {"amount": amount, "currency": "GBP", "card": card.model_dump(),
               "description": f"Vehicle deposit {reservation.reference}"}

    async with httpx.AsyncClient(base_url=str(settings.payment_base_url),
                                 timeout=settings.payment_timeout_s) as client:
        for attempt in range(4):
            try:
                resp = await client.post(  # expect: REL003
                    "/charges", json=payload,
                    headers={"Authorization": f"Bearer {settings.payment_api_key.get_secret_value()}"},
                )
                break
            except httpx.TransportError:
                if attempt == 3:
                    raise HTTPException(status.HTTP_502_BAD_GATEWAY, "Payment service unavailable")
                await asyncio.sleep(2 ** attempt)

    if resp.status_code == 402:
        return JSONResponse({"ok": False, "message": "Card declined"}, status_code=200)  # todo-expect: MNT001
    resp.raise_for_status()
    charge = resp.json()

    reservation.deposit_pence = amount
    reservation.deposit_payment_id = charge["id"]
    reservation.status = "confirmed"
    try:
        await session.commit()
    except SQLAlchemyError:
        log.exception("could not record deposit %s for %s", charge["id"], reservation.reference)  # expect: ERR002
    return {"reference": reservation.reference, "status": "confirmed", "deposit_pence": amount}
