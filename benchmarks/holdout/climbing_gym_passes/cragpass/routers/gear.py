"""Gear rental at the desk: shoes, harnesses and belay devices."""
import asyncio
import logging
from datetime import datetime, timedelta, timezone
from email.message import EmailMessage

import aiosmtplib
from fastapi import APIRouter, Depends, HTTPException
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from cragpass.db import get_session
from cragpass.models import Climber
from cragpass.rental_models import GearItem, GearRental
from cragpass.security import StaffUser
from cragpass.settings import get_settings

router = APIRouter(prefix="/gear", tags=["gear"])
logger = logging.getLogger(__name__)


class RentIn(BaseModel):
    climber_id: int
    sku: str
    hours: int = Field(default=4, ge=1, le=12)


async def _email_receipt(to: str, item: GearItem, rental: GearRental) -> None:
    s = get_settings()
    msg = EmailMessage()
    msg["From"] = s.mail_from
    msg["To"] = to
    msg["Subject"] = f"Your {item.kind} rental"
    msg.set_content(f"You have rented {item.sku}. Please return it by {rental.due_at:%H:%M}.")
    await aiosmtplib.send(msg, hostname=s.smtp_host, port=s.smtp_port, start_tls=True, timeout=10)


@router.post("/rentals", status_code=201)
async def rent_gear(body: RentIn, staff: StaffUser, session: AsyncSession = Depends(get_session)):
    climber = await session.get(Climber, body.climber_id)
    if climber is None:
        raise HTTPException(404, "Unknown climber")
    item = await session.scalar(select(GearItem).where(GearItem.sku == body.sku.upper()))
    if item is None:
        raise HTTPException(404, "Unknown gear item")

    out = await session.scalar(
        select(func.count()).select_from(GearRental).where(
            GearRental.gear_item_id == item.id, GearRental.status == "out"
        )
    )
    if out >= item.stock:
        return JSONResponse({"success": False, "reason": "none left in that size"}, status_code=200)  # expect: MNT001

    now = datetime.now(timezone.utc)
    rental = GearRental(gear_item_id=item.id, climber_id=climber.id, status="out",
                        rented_at=now, due_at=now + timedelta(hours=body.hours))
    session.add(rental)  # expect: DB005
    await session.commit()
    asyncio.create_task(_email_receipt(climber.email, item, rental))  # expect: REL005
    logger.info("gear %s rented to climber %s by staff %s", item.sku, climber.id, staff.id)
    return {"id": rental.id, "sku": item.sku, "due_at": rental.due_at.isoformat()}


@router.post("/rentals/{rental_id}/return")
async def return_gear(rental_id: int, staff: StaffUser, session: AsyncSession = Depends(get_session)):
    result = await session.execute(
        update(GearRental)
        .where(GearRental.id == rental_id, GearRental.status == "out")
        .values(status="returned", returned_at=datetime.now(timezone.utc))
    )
    if result.rowcount == 0:
        raise HTTPException(409, "That rental is not out")
    await session.commit()
    logger.info("rental %s returned, checked in by staff %s", rental_id, staff.id)
    return {"id": rental_id, "status": "returned"}
