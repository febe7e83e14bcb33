"""Refunds of call-out fees (no-shows, goodwill) through PartnerPay."""
import logging

import requests
from flask import current_app
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from ..models import Payment, Refund, db

logger = logging.getLogger(__name__)

_TIMEOUT = (3.05, 10)


class RefundError(Exception):
    pass


def _partner_session() -> requests.Session:
    session = requests.Session()
    retry = Retry(
        total=3,
        backoff_factor=0.5,
        status_forcelist=(502, 503, 504),
        allowed_methods=frozenset({"GET", "POST"}),
        respect_retry_after_header=True,
    )
    session.mount("https://", HTTPAdapter(max_retries=retry))
    session.headers["Authorization"] = f"Bearer {current_app.config['PARTNER_PAY_API_KEY']}"
    return session


def refund_payment(payment_id: int, amount_cents: int, reason: str) -> Refund:
    """Refund part or all of a payment.

    The payment row is locked for the whole operation so two staff members
    refunding the same job cannot both pass the remaining-amount check.
    """
    if amount_cents <= 0:
        raise RefundError("amount must be positive")

    payment = db.session.execute(
        db.select(Payment).filter_by(id=payment_id).with_for_update()
    ).scalar_one_or_none()
    if payment is None or payment.partner_charge_id is None:
        raise RefundError("payment not found or never captured")

    remaining = payment.amount_cents - payment.refunded_cents
    if amount_cents > remaining:  # ok: DB005
        raise RefundError(f"only {remaining} left to refund")

    key = f"refund-{payment.id}-{payment.refunded_cents}-{amount_cents}"
    existing = db.session.execute(db.select(Refund).filter_by(idempotency_key=key)).scalar_one_or_none()
    if existing is not None:
        return existing

    with _partner_session() as session:
        resp = session.post(  # ok: REL003
            f"{current_app.config['PARTNER_PAY_BASE_URL']}/refunds",
            json={"charge": payment.partner_charge_id, "amount": amount_cents, "reason": reason},
            headers={"Idempotency-Key": key},
            timeout=_TIMEOUT,
        )
    if resp.status_code >= 400:
        db.session.rollback()
        logger.warning("refund rejected payment=%s status=%s", payment.id, resp.status_code)
        raise RefundError(f"partner rejected refund ({resp.status_code})")

    refund = Refund(
        payment_id=payment.id,
        amount_cents=amount_cents,
        idempotency_key=key,
        partner_refund_id=resp.json()["id"],
    )
    payment.refunded_cents = payment.refunded_cents + amount_cents  # ok: DB004
    db.session.add(refund)
    db.session.commit()
    logger.info("refund issued payment=%s refund=%s amount=%s", payment.id, refund.partner_refund_id, amount_cents)
    return refund
