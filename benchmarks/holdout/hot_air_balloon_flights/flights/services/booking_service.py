"""Seat reservation and payment for balloon flights (office and phone bookings)."""
import logging
from dataclasses import dataclass

import stripe
from django.conf import settings
from django.db import transaction
from django.db.models import F

from ..models import Booking, Flight, Passenger

logger = logging.getLogger(__name__)

PRICE_PER_PASSENGER_PENCE = 21900


class FlightFull(Exception):
    """Raised when the flight has no room for the requested seats or weight."""


@dataclass
class PassengerInput:
    full_name: str
    weight_kg: int


def reserve_seats(*, flight_id: int, customer, passengers: list[PassengerInput]) -> Booking:
    """Create a pending booking if the flight still has seats and basket capacity."""
    total_weight = sum(p.weight_kg for p in passengers)
    with transaction.atomic():
        flight = Flight.objects.select_for_update().get(pk=flight_id)  # ok: DB005
        if flight.status != Flight.Status.SCHEDULED:
            raise FlightFull("Flight is no longer open for booking.")
        if flight.seats_booked + len(passengers) > flight.seats_total:
            raise FlightFull("Not enough seats left on this flight.")
        if flight.load_kg + total_weight > flight.basket_max_kg:
            raise FlightFull("The basket cannot take this much extra weight.")

        Flight.objects.filter(pk=flight.pk).update(  # ok: DB004
            seats_booked=F("seats_booked") + len(passengers),
            load_kg=F("load_kg") + total_weight,
        )
        booking = Booking.objects.create(
            flight=flight,
            customer=customer,
            passengers=len(passengers),
            total_weight_kg=total_weight,
            amount_pence=PRICE_PER_PASSENGER_PENCE * len(passengers),
        )
        Passenger.objects.bulk_create(
            [Passenger(booking=booking, full_name=p.full_name, weight_kg=p.weight_kg) for p in passengers]
        )
    logger.info("reserved booking=%s flight=%s passengers=%s", booking.pk, flight_id, len(passengers))
    return booking


def release_seats(booking: Booking) -> None:
    """Give a cancelled booking's seats and weight back to its flight."""
    with transaction.atomic():
        updated = Booking.objects.filter(pk=booking.pk, status=Booking.Status.PENDING).update(
            status=Booking.Status.CANCELLED
        )
        if updated:
            Flight.objects.filter(pk=booking.flight_id).update(
                seats_booked=F("seats_booked") - booking.passengers,
                load_kg=F("load_kg") - booking.total_weight_kg,
            )


def charge_booking(booking: Booking, payment_method_id: str) -> stripe.PaymentIntent:
    """Charge a reserved booking; a retry of the same booking reuses the same intent."""
    stripe.api_key = settings.STRIPE_API_KEY
    try:
        intent = stripe.PaymentIntent.create(
            amount=booking.amount_pence,
            currency="gbp",
            payment_method=payment_method_id,
            confirm=True,
            metadata={"booking_id": booking.pk},
            idempotency_key=f"booking-{booking.pk}-charge",  # ok: REL003
        )
    except stripe.error.CardError:
        release_seats(booking)
        raise
    Booking.objects.filter(pk=booking.pk).update(
        payment_intent_id=intent.id,
        status=Booking.Status.PAID if intent.status == "succeeded" else Booking.Status.PENDING,
    )
    return intent
