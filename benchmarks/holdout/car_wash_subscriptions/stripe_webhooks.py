"""Stripe webhook receiver for payment outcomes."""
import asyncio
import logging

import stripe
from fastapi import APIRouter, Depends, HTTPException, Request
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from .config import get_settings
from .db import AsyncSessionLocal, get_session
from .models import Subscription

logger = logging.getLogger(__name__)
router = APIRouter(prefix="/webhooks", tags=["webhooks"])

RETRY_DELAY_SECONDS = 3600


async def _retry_failed_charge(subscription_id: int) -> None:
    """Try the card again an hour after a failed payment."""
    await asyncio.sleep(RETRY_DELAY_SECONDS)
    async with AsyncSessionLocal() as session:
        sub = await session.get(
            Subscription,
            subscription_id,
            options=[selectinload(Subscription.plan), selectinload(Subscription.customer)],
        )
        if sub is None or sub.status != "past_due":
            return
        try:
            intent = await asyncio.to_thread(  # expect: REL003
                stripe.PaymentIntent.create,
                amount=sub.plan.monthly_price_cents,
                currency="usd",
                customer=sub.customer.stripe_customer_id,
                payment_method=sub.stripe_payment_method_id,
                off_session=True,
                confirm=True,
                metadata={"subscription_id": sub.id},
            )
        except stripe.error.CardError as exc:
            logger.info("retry charge for subscription %s declined: %s", sub.id, exc.code)
            return
        sub.status = "active"
        sub.failed_attempts = 0
        sub.next_retry_at = None
        await session.commit()
        logger.info("subscription %s recovered with payment %s", sub.id, intent.id)


async def _on_payment_failed(session: AsyncSession, intent: dict) -> None:
    subscription_id = (intent.get("metadata") or {}).get("subscription_id")
    if not subscription_id:
        return
    sub = await session.get(Subscription, int(subscription_id))
    if sub is None or sub.status == "cancelled":
        return
    sub.status = "past_due"
    await session.commit()
    asyncio.create_task(_retry_failed_charge(sub.id))  # expect: REL005


async def _on_payment_succeeded(session: AsyncSession, intent: dict) -> None:
    subscription_id = (intent.get("metadata") or {}).get("subscription_id")
    if not subscription_id:
        return
    sub = await session.get(Subscription, int(subscription_id))
    if sub is not None and sub.status == "past_due":
        sub.status = "active"
        await session.commit()


@router.post("/stripe")
async def stripe_webhook(request: Request, session: AsyncSession = Depends(get_session)):
    payload = await request.body()
    try:
        event = stripe.Webhook.construct_event(
            payload,
            request.headers.get("stripe-signature", ""),
            get_settings().stripe_webhook_secret.get_secret_value(),
        )
    except (ValueError, stripe.error.SignatureVerificationError):
        raise HTTPException(status_code=400, detail="invalid payload or signature") from None

    intent = event["data"]["object"]
    try:
        if event["type"] == "payment_intent.payment_failed":
            await _on_payment_failed(session, intent)
        elif event["type"] == "payment_intent.succeeded":
            await _on_payment_succeeded(session, intent)
    except Exception:  # expect: ERR002
        logger.exception("could not process stripe event %s (%s)", event["id"], event["type"])
    return {"received": True}
