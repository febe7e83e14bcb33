"""Seat reservation and payment for trips (used by group bookings)."""
import logging

import stripe
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from .. import db
from ..models import Booking, Trip

logger = logging.getLogger(__name__)


class SoldOut(Exception):
    """Raised when a trip has fewer free seats than requested."""


def _existing_booking(customer_id, idempotency_key):
    return db.session.execute(
        select(Booking).where(
            Booking.customer_id == customer_id,
            Booking.idempotency_key == idempotency_key,
        )
    ).scalar_one_or_none()


def _release_seats(trip_id, party_size):
    db.session.execute(
        update(Trip)
        .where(Trip.id == trip_id)
        .values(seats_booked=Trip.seats_booked - party_size)
    )


def reserve_and_charge(trip_id, customer, party_size, payment_method, idempotency_key):
    """Hold seats first, then charge; give the seats back if the charge fails.

    The same ``idempotency_key`` from the same customer returns the booking made
    the first time. A booking left "pending" by a crash between the two steps is
    checked against Stripe and settled by ``flask reconcile-pending``.
    """
    existing = _existing_booking(customer.id, idempotency_key)
    if existing is not None:  # ok: DB005
        return existing

    trip = db.session.execute(
        select(Trip).where(Trip.id == trip_id, Trip.status == "scheduled").with_for_update()
    ).scalar_one_or_none()
    if trip is None or trip.capacity - trip.seats_booked < party_size:
        db.session.rollback()
        raise SoldOut(trip_id)

    trip.seats_booked += party_size  # ok: DB004
    booking = Booking(
        trip_id=trip.id,
        customer_id=customer.id,
        party_size=party_size,
        amount_cents=trip.price_cents * party_size,
        status="pending",
        idempotency_key=idempotency_key,
    )
    db.session.add(booking)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return _existing_booking(customer.id, idempotency_key)

    try:
        intent = stripe.PaymentIntent.create(
            amount=booking.amount_cents,
            currency="usd",
            customer=customer.stripe_customer_id,
            payment_method=payment_method,
            confirm=True,
            metadata={"booking_id": booking.id, "trip_id": trip_id},
            idempotency_key=f"booking-{booking.id}",
        )
    except stripe.StripeError:
        logger.warning("charge failed for booking %s, releasing %s seats",
                       booking.id, party_size, exc_info=True)
        _release_seats(trip_id, party_size)
        booking.status = "payment_failed"
        db.session.commit()
        raise

    booking.status = "confirmed"
    booking.payment_intent_id = intent.id
    db.session.commit()
    logger.info("group booking %s confirmed (%s seats on trip %s)", booking.id, party_size, trip_id)
    return booking
