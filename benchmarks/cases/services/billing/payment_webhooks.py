"""Stripe webhook endpoint for the billing API: records payments as they succeed or fail."""
import logging
import os

import stripe
from fastapi import APIRouter, Depends, Header, HTTPException, Request
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from .db import get_async_session
from .models import Invoice, ProcessedEvent

logger = logging.getLogger(__name__)

router = APIRouter(prefix="/webhooks")


async def _handle_payment_succeeded(session: AsyncSession, intent):
    invoice = (await session.scalars(select(Invoice).where(Invoice.payment_intent_id == intent["id"]))).first()
    if invoice is None:
        logger.warning("no invoice for payment intent %s", intent["id"])
        return
    invoice.status = "paid"
    invoice.amount_paid_cents = intent["amount_received"]


async def _handle_payment_failed(session: AsyncSession, intent):
    invoice = (await session.scalars(select(Invoice).where(Invoice.payment_intent_id == intent["id"]))).first()
    if invoice is not None:
        invoice.status = "payment_failed"
        invoice.failure_code = (intent.get("last_payment_error") or {}).get("code")


HANDLERS = {
    "payment_intent.succeeded": _handle_payment_succeeded,
    "payment_intent.payment_failed": _handle_payment_failed,
}


@router.post("/stripe")
async def stripe_webhook(
    request: Request,
    stripe_signature: str = Header(alias="Stripe-Signature"),
    session: AsyncSession = Depends(get_async_session),
):
    payload = await request.body()
    try:
        event = stripe.Webhook.construct_event(payload, stripe_signature, os.environ["STRIPE_WEBHOOK_SECRET"])
    except (ValueError, stripe.error.SignatureVerificationError):
        raise HTTPException(status_code=400, detail="invalid signature")

    handler = HANDLERS.get(event["type"])
    if handler is None:
        return {"received": True, "ignored": event["type"]}

    session.add(ProcessedEvent(id=event["id"], type=event["type"]))
    try:
        await session.flush()
    except IntegrityError:  # ok: ERR002
        await session.rollback()
        return {"received": True, "duplicate": True}

    try:
        await handler(session, event["data"]["object"])
        await session.commit()
    except Exception as exc:  # expect: ERR002
        await session.rollback()
        logger.error(f"failed to process stripe event {event['id']}: {exc}")  # expect: OBS002
        return {"received": True}
    return {"received": True}
