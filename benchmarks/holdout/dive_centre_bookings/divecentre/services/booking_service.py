"""Seat and gear reservations, done under row locks so two divers cannot take the same place."""

from __future__ import annotations

import logging

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from divecentre.models import Booking, GearItem, GearRental, Trip

logger = logging.getLogger(__name__)


class TripFull(Exception):
    pass


class TripNotBookable(Exception):
    pass


class GearUnavailable(Exception):
    pass


def hold_seat(db: Session, booking: Booking) -> Trip:
    """Take one seat on the booking's trip; the caller commits."""
    if booking.seat_held:
        return booking.trip
    trip = db.execute(
        select(Trip).where(Trip.id == booking.trip_id).with_for_update()  # ok: DB005
    ).scalar_one()
    if trip.status != "scheduled":
        raise TripNotBookable(f"trip {trip.id} is {trip.status}")
    if trip.seats_left <= 0:
        raise TripFull(f"trip {trip.id} is full")
    trip.seats_left -= 1  # ok: DB004
    booking.seat_held = True
    logger.info("seat held on trip %s for booking %s, %d left", trip.id, booking.id, trip.seats_left)
    return trip


def release_seat(db: Session, booking: Booking) -> None:
    """Give a held seat back, once, in a single statement."""
    if not booking.seat_held:
        return
    db.execute(update(Trip).where(Trip.id == booking.trip_id).values(seats_left=Trip.seats_left + 1))
    booking.seat_held = False


def assign_gear(db: Session, booking: Booking, kind: str, size: str) -> GearRental:
    """Rent the first free item of ``kind`` and ``size`` for the booking's trip."""
    taken = select(GearRental.gear_item_id).where(GearRental.trip_id == booking.trip_id)
    item = db.execute(
        select(GearItem)
        .where(
            GearItem.kind == kind,
            GearItem.size == size,
            GearItem.in_service.is_(True),
            GearItem.id.not_in(taken),
        )
        .order_by(GearItem.id)
        .limit(1)
        .with_for_update(skip_locked=True)
    ).scalar_one_or_none()
    if item is None:
        raise GearUnavailable(f"no {kind} in size {size} left for this trip")
    rental = GearRental(booking_id=booking.id, trip_id=booking.trip_id, gear_item_id=item.id)
    db.add(rental)
    db.flush()
    return rental


def confirm(db: Session, booking: Booking) -> bool:
    """Move a booking from pending to confirmed; False if something else changed it first."""
    result = db.execute(
        update(Booking)
        .where(Booking.id == booking.id, Booking.status == "pending_deposit")
        .values(status="confirmed")
    )
    return result.rowcount == 1
