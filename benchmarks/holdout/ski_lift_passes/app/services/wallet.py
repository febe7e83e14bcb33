"""Pass top-ups, v2: record intent first, charge with an idempotency key, credit on webhook."""
from __future__ import annotations

import asyncio
import logging

import stripe
from fastapi import APIRouter, Depends, Header, HTTPException, Request
from pydantic import BaseModel, Field
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app.core import get_session, settings
from app.models import Customer, SkiPass, TopUp
from app.security import Principal, current_principal

router = APIRouter(prefix="/v2", tags=["top-ups"])
log = logging.getLogger("lifts.wallet")
MAX_WEBHOOK_BYTES = 256 * 1024


class TopUpRequest(BaseModel):
    amount_cents: int = Field(gt=0, le=50_000)
    payment_method: str = Field(min_length=4, max_length=64)


def _view(t: TopUp) -> dict:
    return {"top_up_id": t.id, "status": t.status, "amount_cents": t.amount_cents}


@router.post("/passes/{pass_id}/top-ups", status_code=202)
async def start_top_up(
    pass_id: int,
    body: TopUpRequest,
    idempotency_key: str = Header(..., alias="Idempotency-Key", min_length=8, max_length=64),
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> dict:
    owned = await session.scalar(
        select(SkiPass.id).where(SkiPass.id == pass_id, SkiPass.customer_id == principal.customer_id)
    )
    if owned is None:
        raise HTTPException(404, "pass not found")

    key = f"{principal.customer_id}:{idempotency_key}"
    top_up = TopUp(pass_id=pass_id, amount_cents=body.amount_cents, status="pending", idempotency_key=key)
    session.add(top_up)
    try:
        await session.commit()
    except IntegrityError:
        await session.rollback()
        existing = await session.scalar(select(TopUp).where(TopUp.idempotency_key == key))
        return _view(existing)

    customer = await session.get(Customer, principal.customer_id)
    try:
        intent = await asyncio.to_thread(  # ok: CON001, REL003, REL004
            stripe.PaymentIntent.create,
            api_key=settings.stripe_api_key,
            amount=body.amount_cents,
            currency="eur",
            customer=customer.stripe_customer_id,
            payment_method=body.payment_method,
            confirm=True,
            off_session=True,
            metadata={"top_up_id": str(top_up.id)},
            idempotency_key=f"topup-{top_up.id}",
        )
    except stripe.error.CardError as exc:
        top_up.status = "declined"
        await session.commit()
        raise HTTPException(402, exc.user_message or "card declined")
    top_up.stripe_payment_intent = intent.id
    await session.commit()
    return _view(top_up)


@router.post("/stripe/webhook", include_in_schema=False)
async def stripe_webhook(request: Request, session: AsyncSession = Depends(get_session)) -> dict:
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():  # ok: SEC019
        size += len(chunk)
        if size > MAX_WEBHOOK_BYTES:
            raise HTTPException(413, "payload too large")
        chunks.append(chunk)
    payload = b"".join(chunks)
    try:
        event = stripe.Webhook.construct_event(
            payload, request.headers.get("stripe-signature", ""), settings.stripe_webhook_secret
        )
    except (ValueError, stripe.error.SignatureVerificationError):
        raise HTTPException(400, "bad signature")
    if event["type"] != "payment_intent.succeeded":
        return {"received": True}

    top_up_id = int(event["data"]["object"]["metadata"].get("top_up_id", 0))
    claimed = await session.execute(
        update(TopUp)
        .where(TopUp.id == top_up_id, TopUp.status == "pending")
        .values(status="succeeded")
        .returning(TopUp.pass_id, TopUp.amount_cents)
    )
    row = claimed.first()
    if row is None:
        return {"received": True}  # already credited, or not one of ours
    await session.execute(
        update(SkiPass)
        .where(SkiPass.id == row.pass_id)
        .values(balance_cents=SkiPass.balance_cents + row.amount_cents)  # ok: DB004
    )
    await session.commit()
    log.info("top_up=%s credited to pass=%s", top_up_id, row.pass_id)
    return {"received": True}
