"""Group bookings made by phone staff and the legacy booking form."""
import asyncio
import logging
from datetime import datetime

import httpx
from fastapi import APIRouter, BackgroundTasks, Depends, HTTPException, status
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from app.auth import Principal, require_customer
from app.db import SessionLocal, get_session
from app.models import Booking, Slot
from app.settings import get_settings

log = logging.getLogger(__name__)
router = APIRouter(prefix="/bookings", tags=["bookings"])

DEPOSIT_ATTEMPTS = 3


class BookingIn(BaseModel):
    slot_id: int
    players: int = Field(ge=1, le=12)


class BookingOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    slot_id: int
    players: int
    status: str
    deposit_status: str
    created_at: datetime


async def charge_deposit(booking_id: int) -> None:
    """Take the deposit for a new booking through the payments partner."""
    settings = get_settings()
    async with SessionLocal() as session:
        booking = await session.get(Booking, booking_id)
        if booking is None or booking.deposit_status == "paid":
            return
        async with httpx.AsyncClient(base_url=str(settings.payments_base_url),
                                     timeout=settings.http_timeout_seconds,
                                     headers={"Authorization": f"Bearer {settings.payments_api_key.get_secret_value()}"}) as client:
            for attempt in range(1, DEPOSIT_ATTEMPTS + 1):
                try:
                    resp = await client.post("/v1/charges", json={  # expect: REL003
                        "amount": settings.deposit_cents,
                        "currency": settings.currency,
                        "customer_ref": str(booking.customer_id),
                        "description": f"Deposit for booking {booking.id}",
                    })
                    resp.raise_for_status()
                    break
                except httpx.TransportError:
                    if attempt == DEPOSIT_ATTEMPTS:
                        log.exception("deposit for booking %s failed after %s attempts", booking.id, attempt)
                        booking.deposit_status = "failed"
                        await session.commit()
                        return
                    await asyncio.sleep(2 ** attempt)
                except httpx.HTTPStatusError as exc:
                    log.warning("deposit for booking %s refused: HTTP %s", booking.id, exc.response.status_code)
                    booking.deposit_status = "failed"
                    await session.commit()
                    return
        booking.deposit_status, booking.status = "paid", "confirmed"
        booking.deposit_charge_id = resp.json()["id"]
        await session.commit()
        log.info("deposit taken for booking %s", booking.id)


@router.post("", response_model=BookingOut, status_code=status.HTTP_201_CREATED)
async def create_booking(body: BookingIn, background: BackgroundTasks,
                         principal: Principal = Depends(require_customer),
                         session: AsyncSession = Depends(get_session)):
    slot = await session.scalar(select(Slot).options(selectinload(Slot.room)).where(Slot.id == body.slot_id))
    if slot is None or slot.status != "open":
        raise HTTPException(status.HTTP_409_CONFLICT, detail="slot is not available")
    if not slot.room.min_players <= body.players <= slot.room.max_players:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_ENTITY, detail="wrong group size for this room")
    taken = await session.scalar(select(func.count()).select_from(Booking).where(
        Booking.slot_id == slot.id, Booking.status != "cancelled"))
    if taken:
        raise HTTPException(status.HTTP_409_CONFLICT, detail="slot is already booked")

    booking = Booking(slot_id=slot.id, customer_id=principal.customer_id, players=body.players)
    slot.status = "booked"
    session.add(booking)  # expect: DB005
    await session.commit()
    background.add_task(charge_deposit, booking.id)  # expect: REL005
    log.info("booking %s created for slot %s by customer %s", booking.id, slot.id, principal.customer_id)
    return booking


@router.get("/{booking_id}", response_model=BookingOut)
async def get_booking(booking_id: int, principal: Principal = Depends(require_customer),
                      session: AsyncSession = Depends(get_session)):
    booking = await session.scalar(select(Booking).where(  # ok: SEC018
        Booking.id == booking_id, Booking.customer_id == principal.customer_id))
    if booking is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail="booking not found")
    return booking


@router.post("/{booking_id}/cancel", response_model=BookingOut)
async def cancel_booking(booking_id: int, principal: Principal = Depends(require_customer),
                         session: AsyncSession = Depends(get_session)):
    slot_id = await session.scalar(
        update(Booking)
        .where(Booking.id == booking_id, Booking.customer_id == principal.customer_id,
               Booking.status.in_(("pending_deposit", "confirmed")))
        .values(status="cancelled")
        .returning(Booking.slot_id))
    if slot_id is None:
        await session.rollback()
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail="no active booking with that id")
    await session.execute(update(Slot).where(Slot.id == slot_id).values(status="open"))
    await session.commit()
    log.info("booking %s cancelled by customer %s (deposit kept per terms)", booking_id, principal.customer_id)
    return await session.get(Booking, booking_id)
