"""Weather go/no-go decision for the next flying session.

Runs the evening before and again at dawn. A no-go cancels the flight,
refunds every paid booking to the card and tells the passengers.
"""
import datetime
import logging
from dataclasses import dataclass

import requests
import stripe
from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone

from ..clients.met_office import MetOfficeClient
from ..models import Booking, Flight

logger = logging.getLogger(__name__)

MAX_SURFACE_WIND_KT = 10
MAX_GUST_KT = 14
MAX_PRECIP_PROBABILITY = 30
MIN_VISIBILITY_M = 5000


@dataclass
class Decision:
    go: bool
    reason: str


def assess(forecast: dict) -> Decision:
    """Apply the operations manual limits to one launch-window forecast."""
    if forecast["wind_speed_kt"] > MAX_SURFACE_WIND_KT:
        return Decision(False, f"surface wind {forecast['wind_speed_kt']} kt")
    if forecast["gust_kt"] > MAX_GUST_KT:
        return Decision(False, f"gusts {forecast['gust_kt']} kt")
    if forecast["precip_probability"] > MAX_PRECIP_PROBABILITY:
        return Decision(False, "risk of showers")
    if forecast["visibility_m"] < MIN_VISIBILITY_M:
        return Decision(False, "poor visibility")
    return Decision(True, "within limits")


def _tell_passenger(booking: Booking, flight: Flight, reason: str) -> None:
    send_mail(
        subject=f"Your balloon flight on {flight.flight_date:%A %d %B} is cancelled",
        message=(
            f"Sorry, the pilot has cancelled the {flight.session} flight from {flight.site.name} ({reason}). "
            "Your payment has been refunded to your card. Rebook any time from your account."
        ),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[booking.customer.email],  # expect: DB001
    )


def _cancel_and_refund(flight: Flight, reason: str) -> int:
    stripe.api_key = settings.STRIPE_API_KEY
    paid = flight.bookings.filter(status=Booking.Status.PAID)
    refunded = 0
    for booking in paid:
        stripe.Refund.create(  # expect: REL003
            payment_intent=booking.payment_intent_id,
            amount=booking.amount_pence,
            metadata={"booking_id": booking.pk, "reason": "weather"},
        )
        _tell_passenger(booking, flight, reason)
        refunded += 1
    paid.update(status=Booking.Status.REFUNDED)
    Flight.objects.filter(pk=flight.pk).update(status=Flight.Status.CANCELLED)
    return refunded


@shared_task(
    bind=True,
    autoretry_for=(requests.RequestException, stripe.error.APIConnectionError, stripe.error.RateLimitError),
    retry_backoff=True,
    max_retries=5,
)
def run_go_no_go(self, session: str, final: bool = False):
    """Decide every scheduled flight of the next `session` and cancel the no-gos."""
    today = timezone.localdate()
    target = today if session == "evening" or timezone.localtime().hour < 12 else today + datetime.timedelta(days=1)
    flights = Flight.objects.select_related("site").filter(
        flight_date=target, session=session, status=Flight.Status.SCHEDULED
    )
    with MetOfficeClient() as client:
        for flight in flights:
            forecast = client.launch_window_forecast(flight.site.met_office_site_id, target, session)
            decision = assess(forecast)
            logger.info("go/no-go flight=%s site=%s go=%s reason=%s", flight.pk, flight.site.slug, decision.go, decision.reason)
            if decision.go:
                if final:
                    Flight.objects.filter(pk=flight.pk).update(status=Flight.Status.CONFIRMED)
                continue
            count = _cancel_and_refund(flight, decision.reason)
            logger.info("flight cancelled flight=%s refunds=%s task=%s", flight.pk, count, self.request.id)
