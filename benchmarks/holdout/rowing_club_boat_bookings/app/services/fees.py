"""Subscription fees (v2): record, charge once, then settle.

1. A pending FeePayment row is written first; (member, period) is unique, so a
   second renewal for the same period finds the first instead of charging again.
2. Stripe is called off the event loop with an idempotency key derived from that
   row and card, so the SDK's own retries and a resubmission cannot double-charge.
3. The payment and the subscription are settled in one transaction; if that
   fails, the Stripe webhook (payment_intent.succeeded) settles it later.
"""
import asyncio
import logging
from datetime import date, timedelta

import stripe
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app.config import get_settings
from app.models import FeePayment, Member, Subscription

logger = logging.getLogger(__name__)

stripe.max_network_retries = 2


class PaymentDeclined(Exception):
    pass


def period_for(paid_until: date | None) -> str:
    start = max(paid_until or date.today(), date.today())
    return f"{start.year}-{start.year + 1}"


async def _pending_payment(session: AsyncSession, member: Member, period: str, amount: int) -> FeePayment:
    payment = FeePayment(member_id=member.id, period=period, amount_pence=amount, status="pending")
    session.add(payment)
    try:
        await session.commit()
        return payment
    except IntegrityError:
        await session.rollback()
        return await session.scalar(
            select(FeePayment).where(FeePayment.member_id == member.id, FeePayment.period == period)
        )


async def renew(session: AsyncSession, member: Member, sub: Subscription, payment_method_id: str) -> FeePayment:
    settings = get_settings()
    amount = settings.student_fee_pence if sub.plan == "student" else settings.annual_fee_pence
    payment = await _pending_payment(session, member, period_for(sub.paid_until), amount)
    if payment.status == "paid":
        return payment

    try:
        intent = await asyncio.to_thread(  # ok: CON001
            stripe.PaymentIntent.create,
            api_key=settings.stripe_api_key.get_secret_value(),
            amount=payment.amount_pence,
            currency="gbp",
            customer=member.stripe_customer_id,
            payment_method=payment_method_id,
            confirm=True,
            metadata={"fee_payment_id": str(payment.id)},
            automatic_payment_methods={"enabled": True, "allow_redirects": "never"},
            idempotency_key=f"fee-payment-{payment.id}-{payment_method_id}",  # ok: REL003
        )
    except stripe.error.CardError as exc:
        await session.execute(update(FeePayment).where(FeePayment.id == payment.id).values(status="failed"))
        await session.commit()
        raise PaymentDeclined(exc.user_message) from exc

    await settle(session, payment.id, intent.id)
    logger.info("member %s paid fee %s (intent %s)", member.id, payment.id, intent.id)
    await session.refresh(payment)
    return payment


async def settle(session: AsyncSession, payment_id: int, intent_id: str) -> bool:
    """Mark a payment paid and extend the subscription; safe to call twice."""
    result = await session.execute(
        update(FeePayment)
        .where(FeePayment.id == payment_id, FeePayment.status != "paid")
        .values(status="paid", stripe_payment_intent=intent_id)
        .returning(FeePayment.member_id)
    )
    member_id = result.scalar_one_or_none()
    if member_id is not None:
        await session.execute(
            update(Subscription)
            .where(Subscription.member_id == member_id)
            .values(
                paid_until=func.greatest(
                    func.coalesce(Subscription.paid_until, func.current_date()), func.current_date()
                )
                + timedelta(days=365)
            )
        )
    await session.commit()
    return member_id is not None
