"""Weather cancellations: check tomorrow's trips and cancel and refund those the sea will not allow."""

from __future__ import annotations

import logging
from datetime import datetime, time, timedelta, timezone

import stripe
from sqlalchemy import select

from divecentre.celery_app import celery_app
from divecentre.clients.marine_forecast import forecast_client
from divecentre.db import session_scope
from divecentre.models import Trip
from divecentre.settings import get_settings
from divecentre.tasks.notifications import send_email

logger = logging.getLogger(__name__)

REFUNDABLE = ("deposit", "balance")


@celery_app.task
def check_tomorrows_trips() -> list[int]:
    settings = get_settings()
    tomorrow = datetime.now(timezone.utc).date() + timedelta(days=1)
    start = datetime.combine(tomorrow, time.min, tzinfo=timezone.utc)
    with session_scope() as db:
        trips = db.scalars(
            select(Trip).where(
                Trip.status == "scheduled", Trip.departs_at >= start, Trip.departs_at < start + timedelta(days=1)
            )
        ).all()
        targets = [(t.id, t.site_lat, t.site_lon, t.departs_at) for t in trips]

    too_rough = []
    for trip_id, lat, lon, departs_at in targets:
        conditions = forecast_client().conditions(lat, lon, departs_at)
        if not conditions.is_diveable(settings.max_wave_height_m, settings.max_wind_knots):
            reason = f"forecast {conditions.wave_height_m} m waves, {conditions.wind_knots} kn wind"
            cancel_trip_for_conditions.delay(trip_id, reason)
            too_rough.append(trip_id)
    logger.info("checked %d trips for %s, %d cancelled", len(targets), tomorrow, len(too_rough))
    return too_rough


@celery_app.task(
    bind=True,
    autoretry_for=(stripe.StripeError,),
    retry_backoff=True,
    retry_kwargs={"max_retries": 5},
)
def cancel_trip_for_conditions(self, trip_id: int, reason: str) -> int:
    """Cancel a trip, refund every paid booking and tell the divers."""
    settings = get_settings()
    refunded = 0
    with session_scope() as db:
        trip = db.get(Trip, trip_id)
        if trip is None or trip.status == "cancelled":
            return 0

        for booking in trip.bookings:
            if booking.status == "cancelled":
                continue
            for payment in booking.payments:  # expect: DB001
                if payment.status != "succeeded" or payment.kind not in REFUNDABLE:
                    continue
                stripe.Refund.create(  # expect: REL003
                    api_key=settings.stripe_secret_key.get_secret_value(),
                    payment_intent=payment.stripe_intent_id,
                    reason="requested_by_customer",
                    metadata={"trip_id": trip.id, "cause": "sea_conditions"},
                )
                payment.status = "refunded"
                refunded += 1
            booking.status = "cancelled"
            send_email.delay(
                booking.diver.email,
                f"Trip to {trip.site_name} cancelled",
                f"Sorry, we have cancelled your dive ({reason}). Any payment will be refunded in full.",
                dedupe_key=f"trip-cancelled-{booking.id}",
            )

        trip.status = "cancelled"
        trip.cancelled_reason = reason
    logger.info("trip %s cancelled for sea conditions, %d payments refunded", trip_id, refunded)
    return refunded
