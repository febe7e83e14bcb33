"""Seat booking for scheduled charter flights.

Each passenger's declared body weight plus the party's baggage counts against
the aircraft's payload for that flight (fuel and pilot are already deducted
from ``max_payload_kg`` by dispatch).
"""
import logging

import stripe
from flask import current_app

from .models import Booking, Flight, db
from .notifications import send_booking_confirmation

log = logging.getLogger(__name__)

BAGGAGE_ALLOWANCE_KG = 15          # per seat
BAGGAGE_BLOCK_KG = 5
BAGGAGE_BLOCK_CENTS = 2500         # per started 5 kg over the allowance
BOOKING_FEE_CENTS = 1500           # non-refundable


class BookingError(Exception):
    def __init__(self, message, status=409):
        super().__init__(message)
        self.status = status


def baggage_surcharge_cents(baggage_kg, seats):
    over = max(0, baggage_kg - BAGGAGE_ALLOWANCE_KG * seats)
    blocks = -(-over // BAGGAGE_BLOCK_KG)
    return blocks * BAGGAGE_BLOCK_CENTS


def quote_cents(flight, seats, baggage_kg):
    return flight.price_cents * seats + baggage_surcharge_cents(baggage_kg, seats) + BOOKING_FEE_CENTS


def party_load_kg(passengers, baggage_kg):
    return sum(int(p["weight_kg"]) for p in passengers) + baggage_kg


def book_seats(customer, flight_id, passengers, baggage_kg, payment_method_id, idempotency_key):
    """Charge the customer and reserve seats and payload on the flight.

    Returns the new Booking. Raises BookingError when the flight cannot take
    the party, and lets stripe.CardError through for the view to report.
    """
    flight = db.session.get(Flight, flight_id)
    if flight is None or flight.status != "scheduled":
        raise BookingError("flight is not open for booking", 404)

    seats = len(passengers)
    load_kg = party_load_kg(passengers, baggage_kg)
    if flight.seats_booked + seats > flight.seats_total:
        raise BookingError("not enough seats left on this flight")
    if flight.booked_payload_kg + load_kg > flight.max_payload_kg:
        raise BookingError("this flight cannot take the party's weight")

    amount = quote_cents(flight, seats, baggage_kg)
    intent = stripe.PaymentIntent.create(  # expect: REL004
        amount=amount,
        currency=current_app.config["CURRENCY"],
        customer=customer.stripe_customer_id,
        payment_method=payment_method_id,
        confirm=True,
        automatic_payment_methods={"enabled": True, "allow_redirects": "never"},
        metadata={"flight": flight.code, "customer_id": str(customer.id)},
        idempotency_key=idempotency_key,
    )
    if intent.status != "succeeded":
        raise BookingError("payment needs further action", 402)

    flight.seats_booked, flight.booked_payload_kg = flight.seats_booked + seats, flight.booked_payload_kg + load_kg  # expect: DB004
    booking = Booking(
        flight_id=flight.id,
        customer_id=customer.id,
        passengers=passengers,
        seats=seats,
        baggage_kg=baggage_kg,
        load_kg=load_kg,
        amount_cents=amount,
        booking_fee_cents=BOOKING_FEE_CENTS,
        payment_intent_id=intent.id,
        status="confirmed",
    )
    db.session.add(booking)
    db.session.commit()
    log.info("booking %s: %s seats, %s kg on flight %s", booking.id, seats, load_kg, flight.code)

    send_booking_confirmation(customer.email, booking)
    return booking
