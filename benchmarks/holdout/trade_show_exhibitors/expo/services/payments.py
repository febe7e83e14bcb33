"""Booth fee payments through PayLane."""
import logging
import time
import uuid

import requests
from fastapi import APIRouter, Depends, HTTPException, status
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from expo.config import settings
from expo.db import get_db
from expo.models import Booth, Payment
from expo.security import Principal, current_principal, exhibitor_for_principal

logger = logging.getLogger(__name__)

router = APIRouter(prefix="/exhibitors/{exhibitor_id}/booth-fee", tags=["payments"])


class BoothFeeIn(BaseModel):
    card_token: str = Field(min_length=8, max_length=128)
    billing_email: str = Field(max_length=254)
    vat_number: str | None = Field(default=None, max_length=32)


def _headers() -> dict:
    return {"Authorization": f"Bearer {settings.paylane_secret.get_secret_value()}"}


def _create_charge(payload: dict) -> dict:
    attempt = 0
    while True:  # expect: REL002
        attempt += 1
        try:
            resp = requests.post(  # expect: REL003
                f"{settings.paylane_base_url}/charges",
                json=payload,
                headers=_headers(),
                timeout=settings.paylane_timeout_s,
            )
            if resp.status_code == 402:
                raise HTTPException(status.HTTP_402_PAYMENT_REQUIRED, resp.json().get("message", "card declined"))
            resp.raise_for_status()
            return resp.json()
        except requests.RequestException as exc:
            logger.warning("PayLane charge attempt %s failed: %s", attempt, exc)
            time.sleep(min(2 * attempt, 10))


@router.post("", status_code=status.HTTP_201_CREATED)
def pay_booth_fee(
    exhibitor_id: int,
    body: BoothFeeIn,
    db: Session = Depends(get_db),
    principal: Principal = Depends(current_principal),
):
    exhibitor = exhibitor_for_principal(exhibitor_id, db, principal)
    booth = db.scalars(select(Booth).where(Booth.exhibitor_id == exhibitor.id)).first()
    if booth is None:
        raise HTTPException(status.HTTP_409_CONFLICT, "no booth allocated")

    logger.info("charging booth fee for exhibitor %s: %s", exhibitor.id, body.model_dump())  # expect: SEC007
    charge = _create_charge(  # expect: REL004
        {
            "amount": booth.price_cents,
            "currency": "eur",
            "source": body.card_token,
            "receipt_email": body.billing_email,
            "description": f"Booth {booth.label} - exhibitor {exhibitor.id}",
        }
    )
    payment = Payment(
        exhibitor_id=exhibitor.id,
        purpose=f"booth:{booth.id}",
        amount_cents=booth.price_cents,
        status="succeeded",
        idempotency_key=uuid.uuid4().hex,
        provider_ref=charge["id"],
    )
    db.add(payment)
    db.commit()
    logger.info("booth fee paid for exhibitor %s, payment %s", exhibitor.id, payment.id)
    return {"payment_id": payment.id, "status": payment.status, "amount_cents": payment.amount_cents}
