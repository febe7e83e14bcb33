"""Top up the stored value on a pass (used for food outlets and points rides)."""
from __future__ import annotations

import logging
import time

import stripe
from fastapi import APIRouter, Depends, HTTPException
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core import get_session, settings
from app.models import Customer, SkiPass, TopUp
from app.security import Principal, current_principal

router = APIRouter(prefix="/passes", tags=["top-ups"])
log = logging.getLogger("lifts.topups")
stripe.api_key = settings.stripe_api_key


class TopUpIn(BaseModel):
    amount_cents: int = Field(gt=0, le=50_000)
    payment_method: str = Field(min_length=4, max_length=64)


class TopUpOut(BaseModel):
    top_up_id: int
    balance_cents: int


def _charge_card(customer: Customer, amount_cents: int, payment_method: str) -> stripe.PaymentIntent:
    last_error: Exception | None = None
    for attempt in range(3):
        try:
            return stripe.PaymentIntent.create(  # expect: REL003
                amount=amount_cents,
                currency="eur",
                customer=customer.stripe_customer_id,
                payment_method=payment_method,
                confirm=True,
                off_session=True,
            )
        except stripe.error.APIConnectionError as exc:
            last_error = exc
            time.sleep(0.5 * 2**attempt)
    log.error("stripe unreachable after retries", exc_info=last_error)
    raise HTTPException(502, "payment provider unavailable")


@router.post("/{pass_id}/top-ups", response_model=TopUpOut, status_code=201)
async def top_up(
    pass_id: int,
    body: TopUpIn,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> TopUpOut:
    ski_pass = await session.scalar(
        select(SkiPass).where(SkiPass.id == pass_id, SkiPass.customer_id == principal.customer_id)
    )
    if ski_pass is None:
        raise HTTPException(404, "pass not found")
    customer = await session.get(Customer, principal.customer_id)
    if customer is None or not customer.stripe_customer_id:
        raise HTTPException(409, "no saved payment profile")

    try:
        intent = _charge_card(customer, body.amount_cents, body.payment_method)  # expect: CON001, REL004
    except stripe.error.CardError as exc:
        raise HTTPException(402, exc.user_message or "card declined")

    ski_pass.balance_cents += body.amount_cents  # expect: DB004
    top_up = TopUp(
        pass_id=ski_pass.id,
        amount_cents=body.amount_cents,
        status="succeeded",
        stripe_payment_intent=intent.id,
    )
    session.add(top_up)
    await session.commit()
    log.info("pass=%s topped up by %s cents", ski_pass.id, body.amount_cents)
    return TopUpOut(top_up_id=top_up.id, balance_cents=ski_pass.balance_cents)
