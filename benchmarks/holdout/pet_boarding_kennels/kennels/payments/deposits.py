"""Deposit refunds and balance settlement with Stripe."""
import logging

import requests
import stripe
from celery import shared_task
from flask import current_app
from requests.adapters import HTTPAdapter
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from urllib3.util.retry import Retry

from kennels import db
from kennels.models import Payment, Stay

log = logging.getLogger(__name__)

STRIPE_TRANSIENT = (stripe.error.APIConnectionError, stripe.error.RateLimitError)

_mailer = requests.Session()
_mailer.mount("http://", HTTPAdapter(max_retries=Retry(total=2, backoff_factor=0.5,
                                                       allowed_methods=frozenset({"POST"}),
                                                       status_forcelist=(502, 503, 504))))


def _record_payment(stay_id: int, kind: str, amount_cents: int, stripe_id: str) -> None:
    db.session.add(Payment(stay_id=stay_id, kind=kind, amount_cents=amount_cents, stripe_id=stripe_id))
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        log.info("payment %s for stay %s already recorded", stripe_id, stay_id)


@shared_task(bind=True, autoretry_for=STRIPE_TRANSIENT, retry_backoff=True,
             retry_backoff_max=600, max_retries=6)
def refund_deposit(self, stay_id: int) -> None:
    stay = db.session.get(Stay, stay_id)
    if stay is None or not stay.deposit_intent_id:
        return
    refund = stripe.Refund.create(
        payment_intent=stay.deposit_intent_id,
        reason="requested_by_customer",
        idempotency_key=f"stay-deposit-refund-{stay.id}",
    )
    _record_payment(stay.id, "refund", -stay.deposit_cents, refund.id)


@shared_task(bind=True, autoretry_for=STRIPE_TRANSIENT, retry_backoff=True,
             retry_backoff_max=600, max_retries=5)
def settle_balance(self, stay_id: int) -> str | None:
    stay = db.session.execute(
        select(Stay).where(Stay.id == stay_id).with_for_update()
    ).scalar_one()
    if stay.status == "settled":
        db.session.rollback()
        return None

    owed = stay.total_cents - stay.deposit_cents + stay.extras_cents - stay.balance_paid_cents
    try:
        intent = stripe.PaymentIntent.create(
            amount=owed,
            currency=current_app.config["CURRENCY"],
            customer=stay.owner.stripe_customer_id,
            payment_method=stay.owner.default_payment_method,
            off_session=True,
            confirm=True,
            metadata={"stay_id": stay.id, "kind": "balance"},
            idempotency_key=f"stay-balance-{stay.id}-{owed}",
        )
    except stripe.error.CardError as exc:
        stay.status = "balance_failed"
        db.session.commit()
        log.warning("balance charge declined for stay %s: %s", stay.id, exc.code)
        return None

    stay.balance_paid_cents = stay.balance_paid_cents + owed  # ok: DB004
    stay.status = "settled"
    db.session.add(Payment(stay_id=stay.id, kind="balance", amount_cents=owed, stripe_id=intent.id))
    db.session.commit()
    send_receipt.delay(stay.id, intent.id, owed)
    return intent.id


@shared_task(bind=True, autoretry_for=(requests.ConnectionError, requests.Timeout),
             retry_backoff=True, max_retries=4)
def send_receipt(self, stay_id: int, reference: str, amount_cents: int) -> None:
    stay = db.session.get(Stay, stay_id)
    body = {
        "to": stay.owner.email,
        "template": "stay_receipt",
        "data": {"pet": stay.pet.name, "amount_cents": amount_cents, "reference": reference},
    }
    resp = _mailer.post(
        current_app.config["RECEIPT_MAILER_URL"],
        json=body,
        headers={"Idempotency-Key": f"receipt-{reference}"},
        timeout=(3.05, 10),
    )
    resp.raise_for_status()
