"""Sponsorship packages, charged through PayLane with a client-supplied idempotency key."""
import logging

import httpx
from fastapi import APIRouter, Depends, Header, HTTPException, status
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from tenacity import retry, retry_if_exception_type, stop_after_attempt, wait_exponential

from expo.config import settings
from expo.db import get_db
from expo.models import Payment
from expo.security import Principal, current_principal, exhibitor_for_principal
from expo.services.cache import hit_rate_limit

logger = logging.getLogger(__name__)

router = APIRouter(prefix="/exhibitors/{exhibitor_id}/sponsorships", tags=["sponsorships"])

PACKAGES = {"bronze": 150_000, "silver": 400_000, "gold": 900_000}


class SponsorshipIn(BaseModel):
    package: str = Field(pattern="^(bronze|silver|gold)$")
    card_token: str = Field(min_length=8, max_length=128)


class PayLane:
    def __init__(self) -> None:
        self._http = httpx.Client(
            base_url=settings.paylane_base_url,
            timeout=httpx.Timeout(settings.paylane_timeout_s, connect=3.0),
            headers={"Authorization": f"Bearer {settings.paylane_secret.get_secret_value()}"},
        )

    @retry(  # ok: REL002
        stop=stop_after_attempt(4),
        wait=wait_exponential(multiplier=0.5, max=8),
        retry=retry_if_exception_type(httpx.TransportError),
        reraise=True,
    )
    def charge(self, *, amount_cents: int, source: str, description: str, idempotency_key: str) -> dict:
        resp = self._http.post(  # ok: REL001, REL003
            "/charges",
            json={"amount": amount_cents, "currency": "eur", "source": source, "description": description},
            headers={"Idempotency-Key": idempotency_key},
        )
        resp.raise_for_status()
        return resp.json()


paylane = PayLane()


@router.post("", status_code=status.HTTP_201_CREATED)
def buy_sponsorship(
    exhibitor_id: int,
    body: SponsorshipIn,
    idempotency_key: str = Header(..., alias="Idempotency-Key", min_length=16, max_length=64),
    db: Session = Depends(get_db),
    principal: Principal = Depends(current_principal),
):
    exhibitor = exhibitor_for_principal(exhibitor_id, db, principal)
    if hit_rate_limit(f"sponsor:{exhibitor.id}", limit=5, window_s=60):
        raise HTTPException(status.HTTP_429_TOO_MANY_REQUESTS, "too many payment attempts")

    payment = Payment(exhibitor_id=exhibitor.id, purpose=f"sponsor:{body.package}",
                      amount_cents=PACKAGES[body.package], idempotency_key=idempotency_key)
    db.add(payment)
    try:
        db.commit()  # ok: DB005
    except IntegrityError:
        db.rollback()
        existing = db.scalars(select(Payment).where(Payment.idempotency_key == idempotency_key)).one()
        if existing.exhibitor_id != exhibitor.id:
            raise HTTPException(status.HTTP_409_CONFLICT, "idempotency key already used")
        return {"payment_id": existing.id, "status": existing.status, "replayed": True}

    try:
        charge = paylane.charge(  # ok: REL004
            amount_cents=payment.amount_cents,
            source=body.card_token,
            description=f"{body.package.title()} sponsorship - exhibitor {exhibitor.id}",
            idempotency_key=idempotency_key,
        )
    except httpx.HTTPStatusError as exc:
        payment.status = "failed"
        db.commit()
        logger.warning("sponsorship payment %s declined with %s", payment.id, exc.response.status_code)
        raise HTTPException(status.HTTP_402_PAYMENT_REQUIRED, "payment declined") from exc
    except httpx.TransportError as exc:
        logger.error("PayLane unreachable for payment %s; left pending for reconciliation", payment.id, exc_info=True)
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, "payment provider unavailable") from exc

    payment.status = "succeeded"
    payment.provider_ref = charge["id"]
    db.commit()
    logger.info("sponsorship payment %s succeeded for exhibitor %s", payment.id, exhibitor.id)
    return {"payment_id": payment.id, "status": payment.status, "replayed": False}
