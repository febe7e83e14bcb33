"""Booking flow: check the room is free, take the deposit, confirm the stay."""
import logging
import os
from datetime import date
from decimal import Decimal

import stripe
from fastapi import APIRouter, Depends, HTTPException, Query
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session
from tenacity import retry, retry_if_exception_type, stop_after_attempt, wait_exponential

from .dependencies import current_guest, get_session
from .models import Guest, Reservation, Room

logger = logging.getLogger(__name__)
router = APIRouter(prefix="/reservations", tags=["reservations"])

stripe.api_key = os.environ.get("STRIPE_SECRET_KEY", "")  # ok: SEC005
DEPOSIT_RATE = Decimal("0.20")
ACTIVE_STATUSES = ("pending", "confirmed", "checked_in")


class BookingRequest(BaseModel):
    room_id: int
    check_in: date
    check_out: date
    payment_method_id: str = Field(min_length=3, max_length=64)


@retry(
    stop=stop_after_attempt(3),
    wait=wait_exponential(multiplier=0.5, max=4),
    retry=retry_if_exception_type(stripe.error.APIConnectionError),
    reraise=True,
)  # ok: REL002
def _charge_deposit(customer_id: str, amount_cents: int, payment_method_id: str, description: str):
    return stripe.PaymentIntent.create(  # expect: REL003
        amount=amount_cents,
        currency="eur",
        customer=customer_id,
        payment_method=payment_method_id,
        confirm=True,
        off_session=True,
        description=description,
    )


@router.post("", status_code=201)
def create_reservation(body: BookingRequest, guest: Guest = Depends(current_guest),
                       session: Session = Depends(get_session)):
    if body.check_out <= body.check_in:
        raise HTTPException(status_code=422, detail="check_out must be after check_in")
    room = session.get(Room, body.room_id)
    if room is None:
        raise HTTPException(status_code=404, detail="room not found")

    clash = session.scalar(
        select(Reservation.id)
        .where(
            Reservation.room_id == room.id,
            Reservation.status.in_(ACTIVE_STATUSES),
            Reservation.check_in < body.check_out,
            Reservation.check_out > body.check_in,
        )
        .limit(1)
    )
    if clash is not None:
        raise HTTPException(status_code=409, detail="room is not available for these dates")

    nights = (body.check_out - body.check_in).days
    total = room.nightly_rate * nights
    deposit = (total * DEPOSIT_RATE).quantize(Decimal("0.01"))
    try:
        intent = _charge_deposit(guest.stripe_customer_id, int(deposit * 100), body.payment_method_id,  # expect: REL004
                                 f"Deposit for room {room.number}, {body.check_in:%d %b %Y}")
    except stripe.error.CardError as exc:
        logger.info("deposit declined for guest %s: %s", guest.id, exc.user_message)
        raise HTTPException(status_code=402, detail=exc.user_message) from None

    reservation = Reservation(
        room_id=room.id,
        guest_id=guest.id,
        check_in=body.check_in,
        check_out=body.check_out,
        status="confirmed",
        total_amount=total,
        deposit_amount=deposit,
        payment_intent_id=intent.id,
    )
    session.add(reservation)  # expect: DB005
    session.commit()
    logger.info("reservation %s confirmed for guest %s, room %s", reservation.id, guest.id, room.id)
    return {"reservation_id": reservation.id, "status": reservation.status, "deposit": str(deposit)}


@router.get("")
def my_reservations(guest: Guest = Depends(current_guest), session: Session = Depends(get_session),
                    limit: int = Query(20, ge=1, le=100), offset: int = Query(0, ge=0)):
    stmt = (
        select(Reservation).where(Reservation.guest_id == guest.id)
        .order_by(Reservation.check_in.desc()).limit(limit).offset(offset)
    )
    return [
        {"id": r.id, "room_id": r.room_id, "check_in": r.check_in, "check_out": r.check_out, "status": r.status}
        for r in session.scalars(stmt)  # ok: DB001, DB002
    ]


@router.get("/{reservation_id}")
def get_reservation(reservation_id: int, guest: Guest = Depends(current_guest),
                    session: Session = Depends(get_session)):
    reservation = session.get(Reservation, reservation_id)
    if reservation is None or reservation.guest_id != guest.id:  # ok: SEC018
        raise HTTPException(status_code=404, detail="reservation not found")
    return {"id": reservation.id, "status": reservation.status, "deposit": str(reservation.deposit_amount),
            "refund": str(reservation.refund_amount or 0)}
