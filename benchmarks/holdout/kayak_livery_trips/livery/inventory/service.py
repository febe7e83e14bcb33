"""Assigning boats to bookings for the morning launch sheet."""
import logging
from collections import defaultdict

from sqlalchemy import func, select, update
from sqlalchemy.orm import joinedload, selectinload

from .. import db
from ..models import Boat, Booking, MaintenanceEvent, Trip

logger = logging.getLogger(__name__)


class BoatUnavailable(Exception):
    """The boat was taken or sent to maintenance before we could assign it."""


def assign_boat(boat_id, booking_id):
    """Mark one boat as out for ``booking_id`` only if it is still available."""
    result = db.session.execute(
        update(Boat)
        .where(Boat.id == boat_id, Boat.status == "available")
        .values(status="out", assigned_booking_id=booking_id)
    )
    if result.rowcount != 1:
        db.session.rollback()
        raise BoatUnavailable(boat_id)
    db.session.commit()
    logger.info("boat %s assigned to booking %s", boat_id, booking_id)


def assign_boats_for_trip(trip_id, boat_type_id):
    """Give every confirmed booking on the trip a boat, locking free boats once."""
    bookings = db.session.execute(
        select(Booking)
        .where(Booking.trip_id == trip_id, Booking.status == "confirmed")
        .options(selectinload(Booking.boats))
        .order_by(Booking.id)
    ).scalars().all()
    needing = [b for b in bookings if not b.boats]
    free = db.session.execute(
        select(Boat)
        .where(Boat.status == "available", Boat.boat_type_id == boat_type_id)
        .order_by(Boat.hull_number)
        .limit(len(needing))
        .with_for_update(skip_locked=True)
    ).scalars().all()
    for booking, boat in zip(needing, free):
        boat.status = "out"
        boat.assigned_booking_id = booking.id
    db.session.commit()
    return len(needing) - len(free)


def launch_sheet(trip_id):
    """Bookings, paddlers and boats for one trip, in three queries."""
    trip = db.session.execute(
        select(Trip)
        .where(Trip.id == trip_id)
        .options(
            joinedload(Trip.guide),
            selectinload(Trip.bookings).selectinload(Booking.boats),
            selectinload(Trip.bookings).joinedload(Booking.customer),
        )
    ).unique().scalar_one()
    rows = []
    for booking in trip.bookings:  # ok: DB001
        if booking.status != "confirmed":
            continue
        rows.append({
            "paddler": booking.customer.full_name,
            "party_size": booking.party_size,
            "boats": [boat.hull_number for boat in booking.boats],
        })
    return {"trip": trip.name, "guide": trip.guide.display_name if trip.guide else None, "rows": rows}


def last_maintenance_by_boat():
    """Latest maintenance timestamp per boat, in one grouped query."""
    rows = db.session.execute(
        select(MaintenanceEvent.boat_id, func.max(MaintenanceEvent.noted_at))
        .group_by(MaintenanceEvent.boat_id)
    ).all()
    latest = defaultdict(lambda: None)
    latest.update({boat_id: noted_at for boat_id, noted_at in rows})
    return latest
