"""Turn a fan's held seats into paid tickets.

1. lock the fan's holds and record a pending order keyed by the page's checkout_id;
2. charge with an idempotency key derived from that id, so a resubmitted form or
   a retried call cannot charge twice;
3. issue tickets (unique per event and seat) and drop the holds, or refund.
"""
import asyncio
import logging
import secrets
import uuid
from datetime import datetime, timedelta, timezone

import stripe
from fastapi import APIRouter, Depends, HTTPException, status
from pydantic import BaseModel
from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from tenacity import retry, retry_if_exception_type, stop_after_attempt, wait_exponential

from boxoffice.auth import Principal, current_user
from boxoffice.config import get_settings
from boxoffice.db import get_session
from boxoffice.models import Event, Hold, Order, Ticket

logger = logging.getLogger(__name__)
settings = get_settings()
router = APIRouter(prefix="/events/{event_id}", tags=["checkout"])


class CheckoutBody(BaseModel):
    checkout_id: uuid.UUID
    payment_method_id: str


@retry(  # ok: REL002
    retry=retry_if_exception_type(stripe.error.APIConnectionError),
    stop=stop_after_attempt(3),
    wait=wait_exponential(multiplier=0.5, max=4),
    reraise=True,
)
def _stripe_call(fn, **params):
    return fn(api_key=settings.stripe_secret_key.get_secret_value(), **params)


@router.post("/checkout", status_code=status.HTTP_201_CREATED)
async def checkout(event_id: int, body: CheckoutBody, user: Principal = Depends(current_user), session: AsyncSession = Depends(get_session)):
    now = datetime.now(timezone.utc)
    async with session.begin():
        holds = (await session.scalars(
            select(Hold).where(Hold.event_id == event_id, Hold.user_id == user.user_id, Hold.group_label.is_(None), Hold.expires_at > now)
            .order_by(Hold.seat_id).with_for_update()
        )).all()
        order = await session.scalar(select(Order).where(Order.checkout_id == str(body.checkout_id), Order.user_id == user.user_id))
        if order is not None and order.status == "paid":
            return {"order_id": order.id, "status": "paid"}
        if not holds or len(holds) > settings.max_tickets_per_order:
            raise HTTPException(status.HTTP_409_CONFLICT, detail="your hold has expired or is too large")
        event = await session.get(Event, event_id)
        total = event.face_value_pence * len(holds) + settings.booking_fee_pence
        for hold in holds:
            hold.expires_at = now + timedelta(minutes=5)  # ok: DB004
        if order is None:
            order = Order(user_id=user.user_id, event_id=event_id, checkout_id=str(body.checkout_id), total_pence=total)
            session.add(order)
        order.total_pence = total
        await session.flush()
        order_id = order.id
    seat_ids = [h.seat_id for h in holds]

    try:
        intent = await asyncio.to_thread(  # ok: CON001
            _stripe_call, stripe.PaymentIntent.create,
            amount=total, currency="gbp", payment_method=body.payment_method_id, payment_method_types=["card"],
            confirm=True, metadata={"order_id": str(order_id), "event_id": str(event_id)},
            idempotency_key=f"checkout-{body.checkout_id}",
        )
    except stripe.error.CardError as exc:
        logger.info("card declined for order %s: %s", order_id, exc.code)
        raise HTTPException(status.HTTP_402_PAYMENT_REQUIRED, detail=exc.user_message) from exc

    try:
        session.add_all(
            Ticket(event_id=event_id, seat_id=seat_id, order_id=order_id, holder_id=user.user_id,
                   code=secrets.token_urlsafe(16), price_pence=event.face_value_pence)
            for seat_id in seat_ids
        )
        await session.execute(delete(Hold).where(Hold.user_id == user.user_id, Hold.event_id == event_id, Hold.seat_id.in_(seat_ids)))
        order.status, order.payment_intent_id = "paid", intent.id
        await session.commit()
    except IntegrityError:
        await session.rollback()
        if await session.scalar(select(Order.status).where(Order.id == order_id)) == "paid":
            return {"order_id": order_id, "status": "paid"}  # a resubmit of this checkout won the race
        logger.exception("seat clash after charging order %s; refunding %s", order_id, intent.id)
        await asyncio.to_thread(_stripe_call, stripe.Refund.create, payment_intent=intent.id, idempotency_key=f"refund-{intent.id}")
        await session.execute(update(Order).where(Order.id == order_id).values(status="refunded"))
        await session.commit()
        raise HTTPException(status.HTTP_409_CONFLICT, detail="those seats were just sold; you have been refunded")

    logger.info("order %s paid: %d tickets for event %s", order_id, len(seat_ids), event_id)
    return {"order_id": order_id, "status": "paid", "seat_ids": seat_ids}
