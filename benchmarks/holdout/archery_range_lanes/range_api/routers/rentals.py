"""Equipment rental (bows, arrows, arm guards) for members."""
import asyncio
import logging
from datetime import datetime, timedelta, timezone

import httpx
from fastapi import APIRouter, Depends, HTTPException, Request, status
from pydantic import BaseModel, Field
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from ..auth import current_member
from ..db import get_session
from ..models import EquipmentItem, Member, Rental
from ..services.receipts import render_rental_slip

router = APIRouter(prefix="/rentals", tags=["rentals"])
logger = logging.getLogger(__name__)


class RentalIn(BaseModel):
    item_id: int
    quantity: int = Field(default=1, ge=1, le=12)
    days: int = Field(default=1, ge=1, le=7)


async def waiver_signed(client: httpx.AsyncClient, member_id: int) -> bool:
    resp = await client.get(f"/members/{member_id}/waiver")
    if resp.status_code == 404:
        return False
    resp.raise_for_status()
    return resp.json().get("status") == "signed"


@router.post("", status_code=201)
async def rent_equipment(body: RentalIn, request: Request, member: Member = Depends(current_member),
                         session: AsyncSession = Depends(get_session)):
    try:
        signed = await waiver_signed(request.app.state.waivers, member.id)
    except httpx.HTTPError:
        logger.warning("waiver service unavailable for member %s", member.id, exc_info=True)
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, "cannot confirm your waiver right now")
    if not signed:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "a signed waiver is required before renting")

    taken = await session.execute(
        update(EquipmentItem)
        .where(EquipmentItem.id == body.item_id, EquipmentItem.available >= body.quantity)
        .values(available=EquipmentItem.available - body.quantity)
        .returning(EquipmentItem.name, EquipmentItem.daily_fee_cents)
    )
    item = taken.first()
    if item is None:
        await session.rollback()
        raise HTTPException(status.HTTP_409_CONFLICT, "not enough of that item is available")

    due = datetime.now(timezone.utc) + timedelta(days=body.days)
    rental = Rental(item_id=body.item_id, member_id=member.id, quantity=body.quantity, due_back_at=due)
    session.add(rental)
    await session.commit()
    logger.info("member %s rented %s x item %s (rental %s)", member.id, body.quantity, body.item_id, rental.id)

    fee = item.daily_fee_cents * body.quantity * body.days
    slip = await asyncio.to_thread(  # ok: CON001
        render_rental_slip,
        {"id": rental.id, "item": item.name, "quantity": body.quantity, "due": due, "fee_cents": fee,
         "member": member.full_name},
    )
    return {"id": rental.id, "due_back_at": due.isoformat(), "fee_cents": fee, "slip_html": slip}


@router.post("/{rental_id}/return")
async def return_equipment(rental_id: int, member: Member = Depends(current_member),
                           session: AsyncSession = Depends(get_session)):
    rental = await session.scalar(
        select(Rental)
        .where(Rental.id == rental_id, Rental.member_id == member.id, Rental.returned_at.is_(None))
        .with_for_update()
    )
    if rental is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no open rental with that id")
    rental.returned_at = datetime.now(timezone.utc)
    await session.execute(
        update(EquipmentItem)
        .where(EquipmentItem.id == rental.item_id)
        .values(available=EquipmentItem.available + rental.quantity)
    )
    await session.commit()
    return {"id": rental.id, "returned_at": rental.returned_at.isoformat()}
