"""Annual subscription renewal (v1, called from the members' app)."""
import asyncio
import logging
from datetime import date, timedelta

import stripe
from fastapi import APIRouter, Depends, HTTPException, status
from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.config import get_settings
from app.db import get_session
from app.models import FeePayment, Member, Subscription
from app.notify import send_email
from app.security import current_member

logger = logging.getLogger(__name__)
router = APIRouter(prefix="/v1/subscription", tags=["subscriptions"])


class RenewIn(BaseModel):
    payment_method_id: str


def _price_for(plan: str) -> int:
    settings = get_settings()
    return settings.student_fee_pence if plan == "student" else settings.annual_fee_pence


def _period_label(start: date) -> str:
    return f"{start.year}-{start.year + 1}"


@router.get("")
async def my_subscription(session: AsyncSession = Depends(get_session), member: Member = Depends(current_member)):
    sub = await session.scalar(select(Subscription).where(Subscription.member_id == member.id))
    if sub is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "No subscription on file")
    return {"plan": sub.plan, "paid_until": sub.paid_until, "price_pence": _price_for(sub.plan)}


@router.post("/renew")
async def renew(body: RenewIn, session: AsyncSession = Depends(get_session), member: Member = Depends(current_member)):
    sub = await session.scalar(select(Subscription).where(Subscription.member_id == member.id))
    if sub is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "No subscription on file")

    start = max(sub.paid_until or date.today(), date.today())
    amount = _price_for(sub.plan)
    intent = None
    for attempt in range(3):
        try:
            intent = stripe.PaymentIntent.create(  # expect: CON001, REL003, REL004
                api_key=get_settings().stripe_api_key.get_secret_value(),
                amount=amount,
                currency="gbp",
                customer=member.stripe_customer_id,
                payment_method=body.payment_method_id,
                confirm=True,
                description=f"Riverside RC subscription {_period_label(start)}",
                automatic_payment_methods={"enabled": True, "allow_redirects": "never"},
            )
            break
        except (stripe.error.APIConnectionError, stripe.error.RateLimitError):
            logger.warning("stripe unavailable (attempt %d) for member %s", attempt + 1, member.id)
            await asyncio.sleep(2**attempt)
        except stripe.error.CardError as exc:
            raise HTTPException(status.HTTP_402_PAYMENT_REQUIRED, exc.user_message) from None
    if intent is None:
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, "Payments are unavailable, try again later")

    sub.paid_until = start + timedelta(days=365)
    session.add(
        FeePayment(
            member_id=member.id,
            period=_period_label(start),
            amount_pence=amount,
            status="paid",
            stripe_payment_intent=intent.id,
        )
    )
    await session.commit()
    logger.info("member %s renewed until %s (intent %s)", member.id, sub.paid_until, intent.id)

    try:
        await send_email(member.email, "Subscription renewed", f"Thanks! You are paid up until {sub.paid_until}.")
    except Exception:  # expect: ERR001
        pass
    return {"plan": sub.plan, "paid_until": sub.paid_until}
