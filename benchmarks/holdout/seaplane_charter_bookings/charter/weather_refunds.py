"""Refunds for weather-cancelled flights.

Run by the ``weather-refunds`` CronJob:  flask refund-weather-cancellations
Customers get their fare back; the booking fee is kept, as in the terms.
"""
import logging
import time

import click
import stripe
from flask import Blueprint

from .models import Booking, Flight, Refund, db
from .notifications import send_refund_notice

log = logging.getLogger(__name__)
bp = Blueprint("weather_refunds", __name__, cli_group=None)

MAX_ATTEMPTS = 3


def refundable_cents(booking):
    return max(0, booking.amount_cents - booking.booking_fee_cents)


def _refund(booking, amount):
    for attempt in range(1, MAX_ATTEMPTS + 1):
        try:
            return stripe.Refund.create(  # expect: REL003
                payment_intent=booking.payment_intent_id,
                amount=amount,
                reason="requested_by_customer",
                metadata={"booking_id": str(booking.id), "cause": "weather"},
            )
        except (stripe.APIConnectionError, stripe.RateLimitError) as exc:
            if attempt == MAX_ATTEMPTS:
                raise
            log.warning("refund attempt %s for booking %s failed (%s), retrying",
                        attempt, booking.id, type(exc).__name__)
            time.sleep(2 ** attempt)


@bp.cli.command("refund-weather-cancellations")
@click.option("--limit", default=200, show_default=True, help="Bookings to refund in this run.")
def refund_weather_cancellations(limit):
    """Refund confirmed bookings on flights cancelled for weather."""
    bookings = (Booking.query.join(Flight, Booking.flight_id == Flight.id)
                .filter(Flight.status == "weather_cancelled", Booking.status == "confirmed")
                .order_by(Booking.id)
                .limit(limit)
                .all())
    refunded = failed = 0
    for booking in bookings:
        amount = refundable_cents(booking)
        try:
            refund = _refund(booking, amount)
        except stripe.StripeError as exc:
            failed += 1
            log.error("weather refund failed for booking %s: %s", booking.id, exc)  # expect: OBS002
            continue

        booking.status = "refunded"
        db.session.add(Refund(booking_id=booking.id, stripe_refund_id=refund.id,
                              amount_cents=amount, reason="weather"))
        db.session.execute(
            Flight.__table__.update().where(Flight.id == booking.flight_id).values(
                seats_booked=Flight.seats_booked - booking.seats,
                booked_payload_kg=Flight.booked_payload_kg - booking.load_kg))
        db.session.commit()  # ok: DB003
        refunded += 1

        send_refund_notice(booking.customer.email, booking, amount)  # expect: DB001
    log.info("weather refunds: %s refunded, %s failed, batch limit %s", refunded, failed, limit)
