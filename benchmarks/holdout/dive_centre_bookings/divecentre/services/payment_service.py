"""Balance payments and reconciliation, safe to repeat: every charge has a stable key."""

from __future__ import annotations

import logging
from datetime import timedelta

import stripe
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from divecentre.db import utcnow
from divecentre.models import Booking, Diver, Payment
from divecentre.settings import get_settings

logger = logging.getLogger(__name__)


def deposit_cents(price_cents: int, percent: int) -> int:
    return max(0, (price_cents * percent + 99) // 100)


def _pending_payment(db: Session, booking: Booking, key: str, amount: int) -> Payment:
    payment = db.scalar(select(Payment).where(Payment.idempotency_key == key))
    if payment is not None:
        return payment
    payment = Payment(booking_id=booking.id, kind="balance", amount_cents=amount,
                      status="pending", idempotency_key=key)
    db.add(payment)
    try:
        db.commit()
    except IntegrityError:
        db.rollback()
        payment = db.scalar(select(Payment).where(Payment.idempotency_key == key))
    return payment


def charge_balance(db: Session, booking: Booking, diver: Diver, payment_method_id: str) -> Payment:
    """Charge what is left on a booking. Repeats return the same payment, never a second charge."""
    settings = get_settings()
    paid = sum(p.amount_cents for p in booking.payments if p.status == "succeeded")
    amount = booking.trip.price_cents - paid
    key = f"balance-{booking.id}"
    payment = _pending_payment(db, booking, key, amount)
    if payment.status in ("succeeded", "processing") or amount <= 0:
        return payment

    intent = stripe.PaymentIntent.create(
        api_key=settings.stripe_secret_key.get_secret_value(),
        amount=payment.amount_cents,
        currency=settings.currency,
        customer=diver.stripe_customer_id,
        payment_method=payment_method_id,
        confirm=True,
        automatic_payment_methods={"enabled": True, "allow_redirects": "never"},
        metadata={"booking_id": booking.id, "kind": "balance"},
        idempotency_key=key,  # ok: REL003
    )
    payment.stripe_intent_id = intent.id
    payment.status = intent.status
    db.commit()  # ok: REL004
    logger.info("balance for booking %s: intent %s is %s", booking.id, intent.id, intent.status)
    return payment


def reconcile_pending(db: Session, older_than: timedelta = timedelta(minutes=30)) -> int:
    """Settle payments left pending by a crash between the charge and the commit."""
    settings = get_settings()
    cutoff = utcnow() - older_than
    pending = db.scalars(
        select(Payment).where(Payment.status == "pending", Payment.created_at < cutoff).limit(200)
    ).all()
    fixed = 0
    for payment in pending:
        found = stripe.PaymentIntent.search(
            api_key=settings.stripe_secret_key.get_secret_value(),
            query=f"metadata['booking_id']:'{payment.booking_id}' AND metadata['kind']:'{payment.kind}'",
        )
        if found.data:
            payment.stripe_intent_id = found.data[0].id
            payment.status = found.data[0].status
        else:
            payment.status = "abandoned"
        fixed += 1
    db.commit()
    return fixed
