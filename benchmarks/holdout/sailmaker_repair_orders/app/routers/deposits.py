"""Deposit status for customers and the payment provider's webhook."""
import json
import logging

from fastapi import APIRouter, Depends, Header, HTTPException, Request, status
from fastapi.concurrency import run_in_threadpool
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from ..auth import current_user
from ..clients.payments import verify_webhook
from ..db import get_session
from ..models import Customer, Deposit, ProcessedWebhook, RepairOrder

logger = logging.getLogger(__name__)
router = APIRouter(tags=["deposits"])

MAX_WEBHOOK_BYTES = 64 * 1024


@router.get("/orders/{order_id}/deposit")
def deposit_status(order_id: int, user: Customer = Depends(current_user), session: Session = Depends(get_session)):
    row = session.exec(
        select(Deposit)
        .join(RepairOrder, RepairOrder.id == Deposit.order_id)
        .where(Deposit.order_id == order_id, RepairOrder.customer_id == user.id)  # ok: SEC018
    ).first()
    if row is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "No deposit for this order")
    return {"order_id": order_id, "amount_pence": row.amount_pence, "status": row.status}


@router.post("/webhooks/payments", status_code=status.HTTP_204_NO_CONTENT)
async def payments_webhook(
    request: Request,
    signature: str = Header(alias="Payments-Signature"),
    session: Session = Depends(get_session),
):
    payload = await request.body()
    if len(payload) > MAX_WEBHOOK_BYTES:  # ok: SEC019
        raise HTTPException(status.HTTP_413_REQUEST_ENTITY_TOO_LARGE, "payload too large")
    if not verify_webhook(payload, signature):
        logger.warning("payments webhook with bad signature rejected")
        raise HTTPException(status.HTTP_400_BAD_REQUEST, "bad signature")

    event = json.loads(payload)
    event_id, event_type = event["id"], event["type"]
    charge = event["data"]

    def _apply() -> bool:
        try:
            session.add(ProcessedWebhook(event_id=event_id))  # ok: DB005
            session.flush()
        except IntegrityError:
            session.rollback()
            return False
        deposit = session.exec(select(Deposit).where(Deposit.provider_payment_id == charge["id"])).first()
        if deposit is not None:
            deposit.status = {"charge.succeeded": "paid", "charge.refunded": "refunded"}.get(event_type, deposit.status)
            session.add(deposit)
        session.commit()
        return True

    applied = await run_in_threadpool(_apply)
    logger.info("payments webhook event_id=%s type=%s applied=%s", event_id, event_type, applied)
