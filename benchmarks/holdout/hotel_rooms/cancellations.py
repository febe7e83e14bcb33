"""Guest cancellations, deposit refunds and Stripe refund webhooks."""
import logging
import os
from datetime import date, timedelta
from decimal import Decimal

import stripe
from fastapi import APIRouter, Depends, HTTPException, Request
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from .dependencies import current_guest, get_async_session, get_session
from .models import Guest, OutboxEvent, ProcessedWebhook, Reservation

logger = logging.getLogger(__name__)
router = APIRouter(prefix="/reservations", tags=["cancellations"])

FREE_CANCELLATION_DAYS = 2
WEBHOOK_SECRET = os.environ.get("STRIPE_WEBHOOK_SECRET", "")  # ok: SEC005


def refund_for(reservation: Reservation, today: date) -> Decimal:
    """Full deposit back until two days before arrival, nothing after."""
    if reservation.check_in - today >= timedelta(days=FREE_CANCELLATION_DAYS):
        return reservation.deposit_amount
    return Decimal("0.00")


@router.post("/{reservation_id}/cancel")
def cancel_reservation(reservation_id: int, guest: Guest = Depends(current_guest),
                       session: Session = Depends(get_session)):
    reservation = session.scalar(
        select(Reservation)
        .where(Reservation.id == reservation_id, Reservation.guest_id == guest.id)  # ok: SEC018
        .with_for_update()  # ok: DB004, DB005
    )
    if reservation is None:
        raise HTTPException(status_code=404, detail="reservation not found")
    if reservation.status == "cancelled":
        return {"reservation_id": reservation.id, "status": "cancelled", "refund": str(reservation.refund_amount)}
    if reservation.status != "confirmed":
        raise HTTPException(status_code=409, detail=f"cannot cancel a {reservation.status} reservation")

    refund = refund_for(reservation, date.today())
    reservation.status = "cancelled"
    reservation.refund_amount = refund
    if refund > 0:
        session.add(OutboxEvent(topic="deposit.refund", payload={  # ok: REL004
            "reservation_id": reservation.id,
            "payment_intent_id": reservation.payment_intent_id,
            "amount_cents": int(refund * 100),
        }))
    session.commit()
    logger.info("reservation %s cancelled by guest %s, refund %s", reservation.id, guest.id, refund)
    return {"reservation_id": reservation.id, "status": "cancelled", "refund": str(refund)}


def process_refund_event(event: OutboxEvent) -> None:
    """Called by the outbox relay for each unsent deposit.refund event."""
    payload = event.payload
    stripe.Refund.create(  # ok: REL003
        payment_intent=payload["payment_intent_id"],
        amount=payload["amount_cents"],
        idempotency_key=f"deposit-refund-{payload['reservation_id']}",
        metadata={"reservation_id": payload["reservation_id"]},
    )


@router.post("/webhooks/stripe", include_in_schema=False)
async def stripe_webhook(request: Request, session: AsyncSession = Depends(get_async_session)):
    body = await request.body()
    try:
        event = stripe.Webhook.construct_event(body, request.headers.get("stripe-signature", ""), WEBHOOK_SECRET)
    except (ValueError, stripe.error.SignatureVerificationError):
        raise HTTPException(status_code=400, detail="invalid signature") from None
    refund = event["data"]["object"]
    if event["type"] != "refund.updated" or refund.get("status") != "succeeded":
        return {"received": True}

    reservation_id = refund.get("metadata", {}).get("reservation_id")
    session.add(ProcessedWebhook(event_id=event["id"]))
    try:
        await session.flush()  # ok: DB005, CON001
    except IntegrityError:
        await session.rollback()
        logger.info("stripe event %s already processed", event["id"])
        return {"received": True}
    if reservation_id:
        await session.execute(
            update(Reservation).where(Reservation.id == int(reservation_id)).values(status="refunded")
        )
    await session.commit()
    return {"received": True}
