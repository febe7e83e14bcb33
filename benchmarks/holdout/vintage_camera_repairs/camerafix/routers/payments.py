"""Inspection deposits, quote checkout and the payment partner's webhook."""
import json
import logging

import httpx
from fastapi import APIRouter, Depends, Header, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, Field
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..clients.payment_partner import PaymentPartnerClient, PaymentPartnerError
from ..db import get_db
from ..models import Payment, Ticket, User, WebhookEvent
from ..security import get_current_user
from ..services.checkout import PaymentDeclined, QuoteNotPayable, checkout_quote
from ..services.part_bins import OutOfStock
from ..settings import get_settings

router = APIRouter(tags=["payments"])
logger = logging.getLogger(__name__)
settings = get_settings()

INSPECTION_DEPOSIT_PENCE = 2000
MAX_WEBHOOK_BYTES = 64 * 1024
partner = PaymentPartnerClient(
    settings.payment_base_url, settings.payment_api_key.get_secret_value(), settings.payment_timeout_s
)


class CardIn(BaseModel):
    card_token: str = Field(min_length=8, max_length=64)


@router.post("/tickets/{ticket_id}/inspection-deposit")
def pay_inspection_deposit(
    ticket_id: int, body: CardIn, user: User = Depends(get_current_user), db: Session = Depends(get_db)
):
    ticket = db.scalar(select(Ticket).where(Ticket.id == ticket_id, Ticket.customer_id == user.id))
    if ticket is None:
        raise HTTPException(status_code=404, detail="not_found")

    key = f"deposit-{ticket.id}"
    payment = db.scalar(select(Payment).where(Payment.idempotency_key == key))
    if payment is None:
        payment = Payment(ticket_id=ticket.id, kind="deposit", amount_pence=INSPECTION_DEPOSIT_PENCE, idempotency_key=key)
        db.add(payment)
        try:
            db.commit()
        except IntegrityError:
            db.rollback()
            payment = db.scalar(select(Payment).where(Payment.idempotency_key == key))
    if payment.status == "succeeded":
        return {"payment_id": payment.id, "status": payment.status}

    try:
        result = partner.create_payment(  # ok: REL003, REL004
            amount_pence=payment.amount_pence, card_token=body.card_token,
            reference=f"ticket-{ticket.id}", idempotency_key=payment.idempotency_key,
        )
    except (PaymentPartnerError, httpx.TransportError):
        logger.warning("deposit for ticket %s failed at partner", ticket.id, exc_info=True)
        raise HTTPException(status_code=502, detail="payment_failed") from None
    payment.partner_payment_id, payment.status = result["id"], result["status"]
    db.commit()
    return {"payment_id": payment.id, "status": payment.status}


@router.post("/quotes/{quote_id}/checkout")
def checkout(quote_id: int, body: CardIn, user: User = Depends(get_current_user), db: Session = Depends(get_db)):
    try:
        payment = checkout_quote(db, user, quote_id, body.card_token)
    except QuoteNotPayable:
        raise HTTPException(status_code=409, detail="quote_not_payable") from None
    except PaymentDeclined as exc:
        raise HTTPException(status_code=402, detail=f"declined:{exc}") from None
    except OutOfStock as exc:
        raise HTTPException(status_code=409, detail={"out_of_stock": exc.part_ids}) from None
    return {"payment_id": payment.id, "status": payment.status}


@router.post("/webhooks/payments", include_in_schema=False)
async def payment_webhook(request: Request, x_paywell_signature: str = Header(default=""), db: Session = Depends(get_db)):
    body = bytearray()
    async for chunk in request.stream():  # ok: SEC019
        body += chunk
        if len(body) > MAX_WEBHOOK_BYTES:
            raise HTTPException(status_code=413, detail="payload_too_large")
    if not partner.verify_webhook(bytes(body), x_paywell_signature, settings.payment_webhook_secret.get_secret_value()):
        raise HTTPException(status_code=400, detail="bad_signature")
    return await run_in_threadpool(_apply_event, db, json.loads(body))


def _apply_event(db: Session, event: dict) -> dict:
    db.add(WebhookEvent(id=event["id"]))
    try:
        db.flush()
    except IntegrityError:  # ok: DB005
        db.rollback()
        return {"received": True, "duplicate": True}
    data = event["data"]
    db.execute(update(Payment).where(Payment.partner_payment_id == data["payment_id"]).values(status=data["status"]))
    db.commit()
    logger.info("payment webhook %s applied: %s -> %s", event["id"], data["payment_id"], data["status"])
    return {"received": True}
