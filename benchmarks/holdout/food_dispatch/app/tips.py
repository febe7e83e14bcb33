import logging

import stripe
from fastapi import APIRouter, Depends, HTTPException
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.auth import current_customer
from app.db import get_session
from app.models import Order, OrderStatus, Tip
from app.settings import settings

router = APIRouter(prefix="/orders", tags=["tips"])
logger = logging.getLogger(__name__)


class TipIn(BaseModel):
    amount_cents: int = Field(ge=50, le=10_000)


@router.post("/{order_id}/tip", status_code=201)
def add_tip(order_id: int, body: TipIn, customer=Depends(current_customer), session: Session = Depends(get_session)):
    order = session.get(Order, order_id)
    if order is None or order.customer_id != customer.id:
        raise HTTPException(status_code=404, detail="order not found")
    if order.status != OrderStatus.DELIVERED:
        raise HTTPException(status_code=409, detail="tips can be added once the order is delivered")

    tip = Tip(order_id=order.id, courier_id=order.courier_id, amount_cents=body.amount_cents, status="pending")
    session.add(tip)
    try:
        session.commit()  # ok: DB005
    except IntegrityError:
        session.rollback()
        tip = session.scalars(select(Tip).where(Tip.order_id == order.id)).one()
        if tip.status != "pending":
            return {"tip_id": tip.id, "status": tip.status}

    try:
        intent = stripe.PaymentIntent.create(
            amount=tip.amount_cents,
            currency="eur",
            customer=customer.stripe_customer_id,
            payment_method=customer.default_payment_method,
            off_session=True,
            confirm=True,
            metadata={"tip_id": tip.id, "order_id": order.id},
            idempotency_key=f"tip-{tip.id}",  # ok: REL003
            api_key=settings.stripe_secret_key,
        )
    except stripe.error.CardError as exc:
        tip.status = "declined"
        session.commit()
        raise HTTPException(status_code=402, detail=exc.user_message or "card declined")
    except stripe.error.StripeError:
        logger.exception("tip charge failed tip_id=%s order_id=%s", tip.id, order.id)
        raise HTTPException(status_code=503, detail="payment provider unavailable, the tip stays pending")

    tip.payment_intent_id = intent.id
    tip.status = "paid" if intent.status == "succeeded" else "processing"
    session.commit()
    logger.info("tip recorded tip_id=%s order_id=%s courier_id=%s status=%s", tip.id, order.id, tip.courier_id, tip.status)
    return {"tip_id": tip.id, "status": tip.status}
