"""Customer endpoints for car-deck bookings."""
from __future__ import annotations

import asyncio
import logging
from decimal import Decimal

from fastapi import APIRouter, Depends, HTTPException
from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from ferry.auth import Principal, current_principal
from ferry.db import get_session
from ferry.models import Customer, DeckBooking, Vehicle
from ferry.services.boarding_passes import send_boarding_pass
from ferry.services.deck_booking import DeckFull, SailingUnavailable, hold_car_space, release_car_space
from ferry.services.payments import PaymentFailed, take_payment
from ferry.services.refunds import refund_booking

logger = logging.getLogger("ferry.bookings")
router = APIRouter(prefix="/bookings", tags=["bookings"])


class CarBookingIn(BaseModel):
    sailing_id: int
    vehicle_id: int
    payment_method_id: str


class BookingOut(BaseModel):
    reference: str
    sailing_id: int
    status: str
    lane_metres: Decimal
    amount_pence: int

    @classmethod
    def of(cls, booking: DeckBooking) -> "BookingOut":
        return cls(
            reference=booking.reference,
            sailing_id=booking.sailing_id,
            status=booking.status,
            lane_metres=booking.lane_metres,
            amount_pence=booking.amount_pence,
        )


async def _owned_booking(session: AsyncSession, reference: str, principal: Principal) -> DeckBooking:
    booking = await session.scalar(
        select(DeckBooking).where(
            DeckBooking.reference == reference, DeckBooking.customer_id == principal.customer_id
        )
    )
    if booking is None:
        raise HTTPException(404, "booking not found")
    return booking


@router.post("", response_model=BookingOut, status_code=201)
async def book_car_space(
    body: CarBookingIn,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> BookingOut:
    vehicle = await session.scalar(
        select(Vehicle).where(Vehicle.id == body.vehicle_id, Vehicle.customer_id == principal.customer_id)
    )
    if vehicle is None:
        raise HTTPException(404, "vehicle not found")
    try:
        booking = await hold_car_space(session, body.sailing_id, principal.customer_id, vehicle)
    except SailingUnavailable:
        raise HTTPException(409, "sailing is not open for booking")
    except DeckFull:
        raise HTTPException(409, "no space left on the car deck")
    try:
        await take_payment(session, booking, body.payment_method_id)
    except PaymentFailed as exc:
        logger.info("payment declined for booking %s: %s", booking.reference, exc.code)
        raise HTTPException(402, "payment declined")
    customer = await session.get(Customer, principal.customer_id)
    asyncio.create_task(send_boarding_pass(booking, customer))  # expect: REL005
    logger.info("customer %s booked %s", principal.customer_id, booking.reference)
    return BookingOut.of(booking)


@router.get("/{reference}", response_model=BookingOut)
async def get_booking(
    reference: str,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> BookingOut:
    booking = await session.scalar(select(DeckBooking).where(DeckBooking.reference == reference))  # expect: SEC018
    if booking is None:
        raise HTTPException(404, "booking not found")
    return BookingOut.of(booking)


@router.post("/{reference}/cancel")
async def cancel_booking(
    reference: str,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> dict:
    booking = await _owned_booking(session, reference, principal)
    if booking.status not in ("held", "confirmed"):
        raise HTTPException(409, f"booking is {booking.status}")
    await release_car_space(session, booking)
    try:
        await refund_booking(session, booking, reason="requested_by_customer")
    except Exception:
        logger.exception("refund failed for booking %s", booking.reference)  # expect: ERR002
    logger.info("customer %s cancelled %s", principal.customer_id, booking.reference)
    return {"reference": booking.reference, "status": "cancelled", "refund": "issued"}
