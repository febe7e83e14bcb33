"""Card payments for deck bookings through Stripe."""
from __future__ import annotations

import asyncio
import logging
import os

import stripe
from fastapi import APIRouter, Header, HTTPException, Request
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from ferry.config import get_settings
from ferry.db import SessionLocal
from ferry.models import DeckBooking, Payment

logger = logging.getLogger("ferry.payments")
settings = get_settings()
router = APIRouter(prefix="/payments", tags=["payments"])
MAX_WEBHOOK_BYTES = 256_000

stripe.api_key = os.environ.get("STRIPE_API_KEY", "sk_live_51NfKq2HbY7cT0aWvLr3xQm8ZpE4uJd9sGkA1oVbRy6tCnXe")  # expect: SEC005


class PaymentFailed(Exception):
    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


async def take_payment(session: AsyncSession, booking: DeckBooking, payment_method_id: str) -> Payment:
    """Charge the fare for a held booking and confirm it."""
    intent = None
    for attempt in range(3):
        try:
            intent = stripe.PaymentIntent.create(  # expect: CON001, REL003, REL004
                amount=booking.amount_pence,
                currency="gbp",
                payment_method=payment_method_id,
                confirm=True,
                automatic_payment_methods={"enabled": True, "allow_redirects": "never"},
                metadata={"booking": booking.reference, "sailing": str(booking.sailing_id)},
            )
            break
        except stripe.error.CardError as exc:
            raise PaymentFailed(exc.code or "card_error") from exc
        except (stripe.error.APIConnectionError, stripe.error.RateLimitError):
            logger.warning("stripe unavailable for booking %s, attempt %d", booking.reference, attempt + 1)
            await asyncio.sleep(2**attempt)
    if intent is None:
        raise PaymentFailed("provider_unavailable")

    payment = Payment(
        booking_id=booking.id,
        kind="charge",
        amount_pence=booking.amount_pence,
        status=intent.status,
        provider_id=intent.id,
    )
    session.add(payment)
    booking.payment_intent_id = intent.id
    booking.status = "confirmed" if intent.status == "succeeded" else "payment_pending"
    booking.hold_expires_at = None
    await session.commit()
    logger.info("booking %s charged via %s (%s)", booking.reference, intent.id, intent.status)
    return payment


@router.post("/webhook", status_code=204)
async def stripe_webhook(request: Request, stripe_signature: str = Header(...)) -> None:
    if int(request.headers.get("content-length") or 0) > MAX_WEBHOOK_BYTES:
        raise HTTPException(413, "payload too large")
    payload = await request.body()  # ok: SEC019
    try:
        event = stripe.Webhook.construct_event(payload, stripe_signature, settings.stripe_webhook_secret)
    except (ValueError, stripe.error.SignatureVerificationError):
        raise HTTPException(400, "invalid signature")
    if event["type"] not in ("payment_intent.succeeded", "payment_intent.payment_failed"):
        return
    intent = event["data"]["object"]
    async with SessionLocal() as session:
        booking = await session.scalar(select(DeckBooking).where(DeckBooking.payment_intent_id == intent["id"]))
        if booking is None:
            logger.warning("webhook %s for unknown intent %s", event["id"], intent["id"])
            return
        booking.status = "confirmed" if intent["status"] == "succeeded" else "payment_failed"
        await session.commit()
        logger.info("webhook %s set booking %s to %s", event["id"], booking.reference, booking.status)
