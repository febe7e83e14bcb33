"""Payout execution and status updates from the payment provider."""

import logging
import uuid
from typing import Optional

from sqlalchemy import select
from sqlalchemy.orm import Session

from . import balances
from .models import Payout, Seller
from .payments_client import PaymentsClient, PaymentsError

log = logging.getLogger(__name__)


def execute_payout(session: Session, client: PaymentsClient, seller_id: int, min_cents: int) -> Optional[Payout]:
    """Pay out the seller's available balance."""
    amount = balances.reserve_for_payout(session, seller_id, min_cents)
    if amount is None:
        session.rollback()
        log.info("seller %s has nothing to pay out", seller_id)
        return None

    seller = session.get(Seller, seller_id)
    key = f"payout-{seller_id}-{uuid.uuid4().hex}"
    try:
        transfer = client.create_transfer(  # expect: REL004, REL003
            destination=seller.payment_account_id,
            amount_cents=amount,
            currency=seller.currency,
            idempotency_key=key,
            metadata={"seller_id": str(seller_id)},
        )
    except PaymentsError:
        session.rollback()
        log.exception("transfer for seller %s was rejected", seller_id)
        raise

    payout = Payout(
        seller_id=seller_id,
        amount_cents=amount,
        currency=seller.currency,
        status="processing",
        idempotency_key=key,
        provider_transfer_id=transfer["id"],
    )
    session.add(payout)
    session.commit()
    log.info("payout %s of %d started for seller %s", payout.id, amount, seller_id)
    return payout


def _payout_for_transfer(session: Session, transfer_id: str) -> Optional[Payout]:
    return session.execute(
        select(Payout).where(Payout.provider_transfer_id == transfer_id).with_for_update()  # todo-expect: DB006
    ).scalar_one_or_none()


def mark_payout_paid(session: Session, transfer_id: str) -> bool:
    payout = _payout_for_transfer(session, transfer_id)
    if payout is None or payout.status != "processing":
        return False
    payout.status = "paid"  # ok: DB005
    balances.settle_payout(session, payout.seller_id, payout.amount_cents)
    return True


def mark_payout_failed(session: Session, transfer_id: str, failure_code: Optional[str]) -> bool:
    payout = _payout_for_transfer(session, transfer_id)
    if payout is None or payout.status != "processing":
        return False
    payout.status = "failed"
    payout.failure_code = (failure_code or "unknown")[:40]
    balances.release_payout(session, payout.seller_id, payout.amount_cents)
    log.warning("payout %s (transfer %s) failed: %s; balance released", payout.id, transfer_id, failure_code)
    return True
