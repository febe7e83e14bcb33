"""Guest-facing booking endpoints and the staff reservation book."""
import logging
from datetime import date, datetime, timedelta

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from pydantic import BaseModel, Field
from sqlalchemy import and_, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth import Principal, current_guest, current_staff, staff_of
from app.db import get_session
from app.models import DiningTable, Reservation, ReservationStatus

logger = logging.getLogger(__name__)
router = APIRouter(tags=["reservations"])

SITTING_MINUTES = 120
DEPOSIT_FROM_PARTY_SIZE = 6
ACTIVE = (ReservationStatus.PENDING, ReservationStatus.CONFIRMED, ReservationStatus.SEATED)


class BookingIn(BaseModel):
    restaurant_id: int
    table_id: int
    party_size: int = Field(ge=1, le=20)
    starts_at: datetime


class ReservationOut(BaseModel):
    id: int
    table_id: int
    party_size: int
    starts_at: datetime
    status: str
    deposit_status: str

    model_config = {"from_attributes": True}


@router.post("/reservations", response_model=ReservationOut, status_code=201)
async def book_table(
    body: BookingIn,
    request: Request,
    guest: Principal = Depends(current_guest),
    session: AsyncSession = Depends(get_session),
):
    table = await session.get(DiningTable, body.table_id)
    if table is None or table.restaurant_id != body.restaurant_id:
        raise HTTPException(404, detail="table not found")
    if body.party_size > table.seats:
        return {"ok": False, "error": "party does not fit this table"}  # expect: MNT001

    ends_at = body.starts_at + timedelta(minutes=SITTING_MINUTES)
    clash = (
        await session.execute(
            select(Reservation.id).where(
                and_(
                    Reservation.table_id == table.id,
                    Reservation.status.in_(ACTIVE),
                    Reservation.starts_at < ends_at,
                    Reservation.ends_at > body.starts_at,
                )
            ).limit(1)
        )
    ).scalar_one_or_none()
    if clash is not None:
        raise HTTPException(409, detail="table already booked for that time")

    reservation = Reservation(
        restaurant_id=body.restaurant_id,
        table_id=table.id,
        customer_id=guest.subject_id,
        party_size=body.party_size,
        service_date=body.starts_at.date(),
        starts_at=body.starts_at,
        ends_at=ends_at,
        status=ReservationStatus.PENDING if body.party_size >= DEPOSIT_FROM_PARTY_SIZE else ReservationStatus.CONFIRMED,
    )
    session.add(reservation)  # expect: DB005
    await session.commit()
    await request.app.state.redis.delete(f"availability:{body.restaurant_id}:{reservation.service_date}")
    logger.info("reservation %s booked table=%s request_id=%s", reservation.id, table.id, request.state.request_id)
    return reservation


@router.post("/reservations/{reservation_id}/cancel", response_model=ReservationOut)
async def cancel_reservation(
    reservation_id: int,
    request: Request,
    guest: Principal = Depends(current_guest),
    session: AsyncSession = Depends(get_session),
):
    reservation = await session.get(Reservation, reservation_id)  # todo-expect: SEC018
    if reservation is None:
        raise HTTPException(404, detail="reservation not found")
    if reservation.status not in ACTIVE:
        raise HTTPException(409, detail="reservation can no longer be cancelled")
    reservation.status = ReservationStatus.CANCELLED
    await session.commit()
    await request.app.state.redis.delete(f"availability:{reservation.restaurant_id}:{reservation.service_date}")
    logger.info("reservation %s cancelled by guest %s", reservation.id, guest.subject_id)
    return reservation


@router.get("/restaurants/{restaurant_id}/reservations", response_model=list[ReservationOut])
async def reservation_book(
    restaurant_id: int,
    since: date = Query(...),
    status: ReservationStatus | None = None,
    staff: Principal = Depends(current_staff),
    session: AsyncSession = Depends(get_session),
):
    staff_of(restaurant_id, staff)
    stmt = (
        select(Reservation)
        .where(Reservation.restaurant_id == restaurant_id, Reservation.service_date >= since)
        .order_by(Reservation.starts_at)
    )
    if status is not None:
        stmt = stmt.where(Reservation.status == status)
    return (await session.execute(stmt)).scalars().all()  # expect: DB002
