"""Cancel a sailing for weather: refund every booking and tell the customers.

Runs in the worker process (``python -m ferry.tasks.weather_cancellations``)
or from the API's weather watcher through a thread.
"""
from __future__ import annotations

import argparse
import logging

import httpx
import stripe
from sqlalchemy import select

from ferry.config import get_settings
from ferry.db import sync_session_scope
from ferry.models import Customer, DeckBooking, Sailing

logger = logging.getLogger("ferry.weather")
settings = get_settings()

_http = httpx.Client(timeout=httpx.Timeout(10.0, connect=3.0))


def _customer_contact(session, customer_id: int) -> tuple[str, str | None]:
    row = session.execute(  # expect: DB001
        select(Customer.email, Customer.phone).where(Customer.id == customer_id)
    ).one()
    return row.email, row.phone


def _tell_customer(email: str, phone: str | None, booking: DeckBooking, reason: str) -> None:
    text = (
        f"Your sailing for booking {booking.reference} has been cancelled ({reason}). "
        "A full refund is on its way; rebook at https://book.example-ferries.com."
    )
    _http.post(
        settings.mail_api_url,
        headers={"Authorization": f"Bearer {settings.mail_api_token}"},
        json={"to": email, "template": "sailing-cancelled", "model": {"text": text}},
    ).raise_for_status()
    if phone:
        _http.post(
            settings.sms_gateway_url,
            headers={"Authorization": f"Bearer {settings.sms_gateway_token}"},
            json={"to": phone, "text": text},
        ).raise_for_status()


def cancel_sailing(sailing_id: int, reason: str) -> int:
    refunded = 0
    with sync_session_scope() as session:
        sailing = session.get(Sailing, sailing_id)
        if sailing is None or sailing.status == "cancelled":
            return 0
        sailing.status = "cancelled"
        session.commit()
        bookings = session.scalars(
            select(DeckBooking).where(
                DeckBooking.sailing_id == sailing_id,
                DeckBooking.status.in_(("held", "confirmed")),
            )
        ).all()  # ok: DB002
        for booking in bookings:
            email, phone = _customer_contact(session, booking.customer_id)
            try:
                if booking.payment_intent_id:
                    stripe.Refund.create(
                        payment_intent=booking.payment_intent_id,
                        metadata={"booking": booking.reference, "reason": "weather"},
                        idempotency_key=f"weather-refund:{booking.reference}",  # ok: REL003
                        api_key=settings.stripe_api_key,
                    )
                booking.status = "refunded"
                session.commit()  # ok: DB003
                _tell_customer(email, phone, booking, reason)
                refunded += 1
            except Exception:  # expect: ERR001
                continue
    logger.info("sailing %s cancelled (%s): %d bookings refunded", sailing_id, reason, refunded)
    return refunded


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="Cancel a sailing for weather")
    parser.add_argument("sailing_id", type=int)
    parser.add_argument("--reason", default="severe weather")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO)
    print(f"refunded {cancel_sailing(args.sailing_id, args.reason)} bookings")
