"""Diver-facing bookings: create a pending booking, list and read one's own bookings."""

from __future__ import annotations

import logging
from datetime import datetime

from fastapi import APIRouter, Depends, HTTPException, status
from pydantic import BaseModel, ConfigDict
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from divecentre.auth import current_diver
from divecentre.clients.agency import meets_certification
from divecentre.db import get_db
from divecentre.models import Booking, Diver, Trip
from divecentre.services.booking_service import release_seat

logger = logging.getLogger(__name__)
router = APIRouter(prefix="/bookings", tags=["bookings"])


class BookingIn(BaseModel):
    trip_id: int


class BookingOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    trip_id: int
    status: str
    created_at: datetime


@router.post("", response_model=BookingOut, status_code=status.HTTP_201_CREATED)
def create_booking(body: BookingIn, diver: Diver = Depends(current_diver), db: Session = Depends(get_db)):
    trip = db.get(Trip, body.trip_id)
    if trip is None or trip.status != "scheduled":
        raise HTTPException(status.HTTP_404_NOT_FOUND, "trip not found")
    if not meets_certification(diver, trip.min_cert_level):
        raise HTTPException(status.HTTP_403_FORBIDDEN, "your certification does not cover this dive")

    existing = db.scalar(
        select(Booking.id).where(
            Booking.trip_id == trip.id, Booking.diver_id == diver.id, Booking.status != "cancelled"
        )
    )
    if existing is not None:  # expect: DB005
        raise HTTPException(status.HTTP_409_CONFLICT, "you are already booked on this trip")

    booking = Booking(trip_id=trip.id, diver_id=diver.id, status="pending_deposit")
    db.add(booking)
    db.commit()
    logger.info("booking %s created for diver %s on trip %s", booking.id, diver.id, trip.id)
    return booking


@router.get("/mine", response_model=list[BookingOut])
async def my_bookings(diver: Diver = Depends(current_diver), db: Session = Depends(get_db)):
    rows = db.scalars(  # expect: CON001
        select(Booking)
        .where(Booking.diver_id == diver.id)
        .order_by(Booking.created_at.desc())
        .limit(50)
    ).all()
    return rows


@router.get("/{booking_id}", response_model=BookingOut)
def get_booking(booking_id: int, diver: Diver = Depends(current_diver), db: Session = Depends(get_db)):
    booking = db.get(Booking, booking_id)
    if booking is None or (booking.diver_id != diver.id and not diver.is_staff):  # ok: SEC018
        raise HTTPException(status.HTTP_404_NOT_FOUND, "booking not found")
    return booking


@router.post("/{booking_id}/cancel", response_model=BookingOut)
def cancel_booking(booking_id: int, diver: Diver = Depends(current_diver), db: Session = Depends(get_db)):
    booking = db.scalar(
        select(Booking)
        .where(Booking.id == booking_id, Booking.diver_id == diver.id)
        .options(selectinload(Booking.payments))
        .with_for_update()
    )
    if booking is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "booking not found")
    if booking.status == "cancelled":
        return booking
    release_seat(db, booking)
    booking.status = "cancelled"
    db.commit()
    return booking
