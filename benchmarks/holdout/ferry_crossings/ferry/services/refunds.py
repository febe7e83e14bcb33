"""Refunds for cancelled bookings (customer cancellations and weather)."""
from __future__ import annotations

import asyncio
import logging

import stripe
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from ferry.config import get_settings
from ferry.models import DeckBooking, Payment

logger = logging.getLogger("ferry.refunds")
settings = get_settings()

REFUND_REASONS = {"requested_by_customer", "weather", "duplicate"}


class RefundError(Exception):
    pass


def _refund_key(booking: DeckBooking, charge: Payment) -> str:
    # One refund per charge: the same key is used on every attempt, so a
    # retried or repeated cancellation cannot refund twice.
    return f"refund:{booking.reference}:{charge.provider_id}"


async def refund_booking(session: AsyncSession, booking: DeckBooking, reason: str) -> Payment | None:
    if reason not in REFUND_REASONS:
        raise ValueError(f"unknown refund reason {reason!r}")
    charge = await session.scalar(
        select(Payment).where(
            Payment.booking_id == booking.id, Payment.kind == "charge", Payment.status == "succeeded"
        )
    )
    if charge is None:
        logger.info("booking %s has no settled charge; nothing to refund", booking.reference)
        return None

    key = _refund_key(booking, charge)
    # Record the refund as pending before calling Stripe. The reconciliation
    # job retries pending refunds with the same key if this request dies.
    refund_row = Payment(
        booking_id=booking.id,
        kind="refund",
        amount_pence=charge.amount_pence,
        status="pending",
        idempotency_key=key,
    )
    session.add(refund_row)
    try:
        await session.commit()  # ok: DB005
    except IntegrityError:
        await session.rollback()
        existing = await session.scalar(select(Payment).where(Payment.idempotency_key == key))
        logger.info("refund for booking %s already recorded as %s", booking.reference, existing.status)
        return existing

    try:
        refund = await asyncio.to_thread(  # ok: CON001
            stripe.Refund.create,
            payment_intent=charge.provider_id,
            amount=charge.amount_pence,
            reason="requested_by_customer",
            metadata={"booking": booking.reference, "reason": reason},
            idempotency_key=key,  # ok: REL003
            api_key=settings.stripe_api_key,
        )
    except stripe.error.StripeError as exc:
        refund_row.status = "failed_retryable" if exc.http_status in (None, 429, 500, 502, 503) else "failed"
        await session.commit()
        logger.exception("stripe refund failed for booking %s", booking.reference)
        raise RefundError(booking.reference) from exc

    refund_row.status = refund.status
    refund_row.provider_id = refund.id
    booking.status = "refunded"
    await session.commit()  # ok: REL004
    logger.info("refunded booking %s via %s (%s)", booking.reference, refund.id, refund.status)
    return refund_row
