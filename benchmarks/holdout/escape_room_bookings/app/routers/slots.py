"""Slot browsing and the widget's hold / confirm endpoints."""
import logging
from datetime import date, datetime, time, timedelta, timezone

from fastapi import APIRouter, Depends, HTTPException, Query, status
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from app.auth import Principal, require_customer
from app.clients.payments import PaymentsClient, PaymentsUnavailable, get_payments_client
from app.db import get_session
from app.models import Room, Slot
from app.services.slot_holds import (DepositDeclined, SlotUnavailable, confirm_hold, hold_slot,
                                     retry_pending_deposit)
from app.settings import Settings, get_settings

log = logging.getLogger(__name__)
router = APIRouter(prefix="/slots", tags=["slots"])


class SlotOut(BaseModel):
    id: int
    room: str
    starts_at: datetime
    price_per_player_cents: int


class ConfirmIn(BaseModel):
    hold_token: str = Field(min_length=10, max_length=40)
    players: int = Field(ge=1, le=12)


@router.get("", response_model=list[SlotOut])
async def list_open_slots(start: date, days: int = Query(7, ge=1, le=31), room: str | None = None,
                          limit: int = Query(50, ge=1, le=100), offset: int = Query(0, ge=0, le=5000),
                          session: AsyncSession = Depends(get_session)):
    begin = datetime.combine(start, time.min, tzinfo=timezone.utc)
    stmt = (select(Slot).join(Room, Room.id == Slot.room_id).options(selectinload(Slot.room))
            .where(Slot.status == "open", Slot.starts_at >= begin, Slot.starts_at < begin + timedelta(days=days)))
    if room:
        stmt = stmt.where(Room.slug == room)
    rows = (await session.scalars(stmt.order_by(Slot.starts_at, Slot.id).limit(limit).offset(offset))).all()  # ok: DB002
    return [SlotOut(id=s.id, room=s.room.slug, starts_at=s.starts_at,
                    price_per_player_cents=s.room.price_per_player_cents) for s in rows]


@router.post("/{slot_id}/hold", status_code=status.HTTP_201_CREATED)
async def hold(slot_id: int, principal: Principal = Depends(require_customer),
               session: AsyncSession = Depends(get_session), settings: Settings = Depends(get_settings)):
    try:
        token = await hold_slot(session, slot_id, principal.customer_id, settings.hold_minutes)
    except SlotUnavailable:
        raise HTTPException(status.HTTP_409_CONFLICT, detail="slot is not available")
    return {"slot_id": slot_id, "hold_token": token, "hold_minutes": settings.hold_minutes}


@router.post("/{slot_id}/confirm", status_code=status.HTTP_201_CREATED)
async def confirm(slot_id: int, body: ConfirmIn, principal: Principal = Depends(require_customer),
                  session: AsyncSession = Depends(get_session),
                  payments: PaymentsClient = Depends(get_payments_client),
                  settings: Settings = Depends(get_settings)):
    slot = await session.scalar(select(Slot).options(selectinload(Slot.room)).where(Slot.id == slot_id))
    if slot is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail="slot not found")
    if not slot.room.min_players <= body.players <= slot.room.max_players:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_ENTITY,
                            detail=f"{slot.room.name} takes {slot.room.min_players}-{slot.room.max_players} players")
    try:
        booking = await confirm_hold(session, payments, slot_id=slot_id, hold_token=body.hold_token,
                                     customer_id=principal.customer_id, players=body.players,
                                     deposit_cents=settings.deposit_cents, currency=settings.currency)
    except SlotUnavailable:
        raise HTTPException(status.HTTP_409_CONFLICT, detail="your hold has expired")
    except DepositDeclined as exc:
        raise HTTPException(status.HTTP_402_PAYMENT_REQUIRED, detail=str(exc))
    except PaymentsUnavailable:
        log.warning("deposit pending for slot %s, customer %s", slot_id, principal.customer_id, exc_info=True)
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE,
                            detail="deposit could not be taken yet; retry from your bookings page")
    return {"booking_id": booking.id, "status": booking.status}


@router.post("/bookings/{booking_id}/retry-deposit")
async def retry_deposit(booking_id: int, principal: Principal = Depends(require_customer),
                        session: AsyncSession = Depends(get_session),
                        payments: PaymentsClient = Depends(get_payments_client),
                        settings: Settings = Depends(get_settings)):
    try:
        booking = await retry_pending_deposit(session, payments, booking_id=booking_id,
                                              customer_id=principal.customer_id,
                                              deposit_cents=settings.deposit_cents, currency=settings.currency)
    except DepositDeclined as exc:
        raise HTTPException(status.HTTP_402_PAYMENT_REQUIRED, detail=str(exc))
    except PaymentsUnavailable:
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, detail="payment partner unavailable")
    if booking is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail="no pending deposit for this booking")
    return {"booking_id": booking.id, "status": booking.status}
