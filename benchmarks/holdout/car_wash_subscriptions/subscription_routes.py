"""Customer-facing subscription endpoints and the staff subscription list."""
import logging
from datetime import date, timedelta

import stripe
from fastapi import APIRouter, Depends, HTTPException
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from .auth import get_current_customer_id, require_staff
from .config import get_settings
from .db import get_session
from .models import Customer, Plan, Subscription, Vehicle

logger = logging.getLogger(__name__)
router = APIRouter(prefix="/subscriptions", tags=["subscriptions"])
settings = get_settings()
stripe.api_key = settings.stripe_secret_key.get_secret_value()


class SubscribeRequest(BaseModel):
    plan_code: str = Field(min_length=2, max_length=20)
    payment_method_id: str = Field(pattern=r"^pm_[A-Za-z0-9_]+$")
    plate: str = Field(min_length=2, max_length=12)


class SubscriptionOut(BaseModel):
    id: int
    plan_code: str
    status: str
    current_period_end: date
    washes_used: int


def _out(sub: Subscription, plan: Plan) -> SubscriptionOut:
    return SubscriptionOut(
        id=sub.id,
        plan_code=plan.code,
        status=sub.status,
        current_period_end=sub.current_period_end,
        washes_used=sub.washes_used,
    )


@router.post("", status_code=201, response_model=SubscriptionOut)
async def subscribe(
    body: SubscribeRequest,
    customer_id: int = Depends(get_current_customer_id),
    session: AsyncSession = Depends(get_session),
):
    plan = await session.scalar(select(Plan).where(Plan.code == body.plan_code))
    customer = await session.get(Customer, customer_id)
    if plan is None or customer is None:
        raise HTTPException(status_code=404, detail="unknown plan or customer")

    try:
        intent = stripe.PaymentIntent.create(  # expect: CON001, REL003
            amount=plan.monthly_price_cents,
            currency="usd",
            customer=customer.stripe_customer_id,
            payment_method=body.payment_method_id,
            confirm=True,
            automatic_payment_methods={"enabled": True, "allow_redirects": "never"},
            metadata={"customer_id": customer_id, "plan": plan.code},
        )
    except stripe.error.CardError as exc:
        raise HTTPException(status_code=402, detail=exc.user_message or "card declined") from exc
    if intent.status != "succeeded":
        raise HTTPException(status_code=402, detail="payment was not completed")

    today = date.today()
    subscription = Subscription(
        customer_id=customer_id,
        plan_id=plan.id,
        status="active",
        stripe_payment_method_id=body.payment_method_id,
        current_period_start=today,
        current_period_end=today + timedelta(days=settings.period_days),
    )
    session.add(subscription)
    await session.flush()
    session.add(Vehicle(customer_id=customer_id, subscription_id=subscription.id, plate=body.plate.replace(" ", "").upper()))
    await session.commit()  # expect: REL004
    logger.info("customer %s subscribed to %s with payment %s", customer_id, plan.code, intent.id)
    return _out(subscription, plan)


@router.get("/mine", response_model=list[SubscriptionOut])
async def my_subscriptions(
    customer_id: int = Depends(get_current_customer_id), session: AsyncSession = Depends(get_session)
):
    result = await session.scalars(
        select(Subscription)
        .options(selectinload(Subscription.plan))
        .where(Subscription.customer_id == customer_id)
        .order_by(Subscription.id.desc())
        .limit(20)
    )
    return [_out(sub, sub.plan) for sub in result]


@router.post("/{subscription_id}/cancel", response_model=SubscriptionOut)
async def cancel_subscription(
    subscription_id: int,
    customer_id: int = Depends(get_current_customer_id),
    session: AsyncSession = Depends(get_session),
):
    sub = await session.get(Subscription, subscription_id, options=[selectinload(Subscription.plan)])
    if sub is None or sub.customer_id != customer_id:  # ok: SEC018
        raise HTTPException(status_code=404, detail="subscription not found")
    sub.status = "cancelled"
    await session.commit()
    logger.info("subscription %s cancelled by customer %s", sub.id, customer_id)
    return _out(sub, sub.plan)


@router.get("/admin/all")
async def list_all_subscriptions(
    status: str | None = None, _staff: int = Depends(require_staff), session: AsyncSession = Depends(get_session)
):
    stmt = (
        select(Subscription)
        .options(selectinload(Subscription.customer), selectinload(Subscription.plan))  # ok: DB001
        .order_by(Subscription.id)
    )
    if status:
        stmt = stmt.where(Subscription.status == status)
    subs = (await session.scalars(stmt)).all()  # expect: DB002
    return [
        {"id": s.id, "customer": s.customer.email, "plan": s.plan.code, "status": s.status, "period_end": s.current_period_end}
        for s in subs
    ]
