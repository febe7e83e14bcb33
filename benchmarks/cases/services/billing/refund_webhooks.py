"""Stripe webhook endpoint for refunds and disputes: updates invoices and credit notes."""
import logging
import os

import stripe
from fastapi import APIRouter, Depends, Header, HTTPException, Request
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from .db import get_async_session
from .models import CreditNote, Invoice, ProcessedEvent

logger = logging.getLogger(__name__)

router = APIRouter(prefix="/webhooks")


async def _record_refund(session: AsyncSession, charge):
    invoice = (await session.scalars(select(Invoice).where(Invoice.charge_id == charge["id"]))).first()
    if invoice is None:
        logger.warning("no invoice for refunded charge %s", charge["id"])
        return
    invoice.amount_refunded_cents = charge["amount_refunded"]
    session.add(CreditNote(invoice_id=invoice.id, amount_cents=charge["amount_refunded"], reason="refund"))


async def _record_dispute(session: AsyncSession, dispute):
    invoice = (await session.scalars(select(Invoice).where(Invoice.charge_id == dispute["charge"]))).first()
    if invoice is not None:
        invoice.status = "disputed"


HANDLERS = {
    "charge.refunded": _record_refund,
    "charge.dispute.created": _record_dispute,
}


@router.post("/stripe/refunds")
async def stripe_refund_webhook(
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

    claimed = (await session.execute(  # ok: DB005
        insert(ProcessedEvent)
        .values(id=event["id"], type=event["type"])
        .on_conflict_do_nothing(index_elements=[ProcessedEvent.id])
        .returning(ProcessedEvent.id)
    )).first()
    if claimed is None:
        return {"received": True, "duplicate": True}

    try:
        await handler(session, event["data"]["object"])
        await session.commit()
    except Exception:  # ok: ERR002
        await session.rollback()
        logger.exception("failed to process stripe event %s", event["id"])  # ok: OBS002
        raise HTTPException(status_code=500, detail="processing failed")
    return {"received": True}
