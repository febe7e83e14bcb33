"""Deposits at booking time and the Stripe webhook."""

from __future__ import annotations

import logging

import stripe
from fastapi import APIRouter, Depends, HTTPException, Request, status
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from divecentre.auth import current_diver
from divecentre.db import get_db, session_scope
from divecentre.models import Booking, Diver, Payment
from divecentre.services.booking_service import TripFull, TripNotBookable, confirm, hold_seat
from divecentre.services.payment_service import charge_balance, deposit_cents
from divecentre.settings import Settings, get_settings

logger = logging.getLogger(__name__)
router = APIRouter(tags=["payments"])


class CardIn(BaseModel):
    payment_method_id: str


@router.post("/bookings/{booking_id}/deposit", status_code=status.HTTP_201_CREATED)
def pay_deposit(booking_id: int, body: CardIn, diver: Diver = Depends(current_diver),
                db: Session = Depends(get_db), settings: Settings = Depends(get_settings)) -> dict:
    booking = db.get(Booking, booking_id)
    if booking is None or booking.diver_id != diver.id:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "booking not found")
    if booking.status != "pending_deposit":
        raise HTTPException(status.HTTP_409_CONFLICT, f"booking is {booking.status}")

    amount = deposit_cents(booking.trip.price_cents, settings.deposit_percent)
    intent = stripe.PaymentIntent.create(  # expect: REL003, REL004
        api_key=settings.stripe_secret_key.get_secret_value(),
        amount=amount,
        currency=settings.currency,
        customer=diver.stripe_customer_id,
        payment_method=body.payment_method_id,
        confirm=True,
        automatic_payment_methods={"enabled": True, "allow_redirects": "never"},
        metadata={"booking_id": booking.id, "kind": "deposit"},
    )
    try:
        hold_seat(db, booking)
    except (TripFull, TripNotBookable) as exc:
        db.rollback()
        raise HTTPException(status.HTTP_409_CONFLICT, str(exc)) from exc

    db.add(Payment(booking_id=booking.id, kind="deposit", amount_cents=amount, status=intent.status,
                   stripe_intent_id=intent.id, idempotency_key=f"deposit-{intent.id}"))
    confirm(db, booking)
    db.commit()
    return {"booking_id": booking.id, "status": "confirmed", "paid_cents": amount}


@router.post("/bookings/{booking_id}/balance", status_code=status.HTTP_201_CREATED)
def pay_balance(booking_id: int, body: CardIn, diver: Diver = Depends(current_diver),
                db: Session = Depends(get_db)) -> dict:
    booking = db.get(Booking, booking_id)
    if booking is None or booking.diver_id != diver.id:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "booking not found")
    payment = charge_balance(db, booking, diver, body.payment_method_id)
    return {"booking_id": booking.id, "payment_status": payment.status}


def _apply_event(event: dict) -> None:
    intent = event["data"]["object"]
    with session_scope() as db:
        payment = db.scalar(select(Payment).where(Payment.stripe_intent_id == intent["id"]))
        if payment is None:
            logger.warning("stripe event %s for unknown intent %s", event["id"], intent["id"])
            return
        if event["type"] == "payment_intent.succeeded":
            payment.status = "succeeded"
        elif event["type"] == "payment_intent.payment_failed":
            payment.status = "failed"
        elif event["type"] == "charge.refunded":
            payment.status = "refunded"


@router.post("/stripe/webhook", include_in_schema=False)
async def stripe_webhook(request: Request, settings: Settings = Depends(get_settings)) -> dict:
    payload = await request.body()
    signature = request.headers.get("stripe-signature", "")
    try:
        event = stripe.Webhook.construct_event(
            payload, signature, settings.stripe_webhook_secret.get_secret_value()
        )
    except (ValueError, stripe.SignatureVerificationError) as exc:
        raise HTTPException(status.HTTP_400_BAD_REQUEST, "invalid signature") from exc

    try:
        await run_in_threadpool(_apply_event, event)  # ok: CON001
    except Exception:
        logger.exception("could not apply stripe event %s", event["id"])
        return {"received": True}  # expect: ERR002
    return {"received": True}
