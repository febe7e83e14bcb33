"""Checkout-day billing: extras logged by staff and the final balance charge."""
import logging
from datetime import date

import requests
import stripe
from celery import shared_task
from flask import current_app

from kennels import db
from kennels.models import Payment, Stay

log = logging.getLogger(__name__)

EXTRA_PRICES = {
    "bath": 1800,
    "nail_trim": 900,
    "extra_walk": 700,
    "medication": 300,
    "enrichment_session": 1200,
}


@shared_task
def add_extra(stay_id: int, extra: str, quantity: int = 1) -> int:
    """Called from the staff tablet app every time an add-on is ticked."""
    stay = db.session.get(Stay, stay_id)
    if stay is None or stay.status not in ("reserved", "checked_in"):
        log.warning("extra %s ignored for stay %s", extra, stay_id)
        return 0
    stay.extras_cents = stay.extras_cents + EXTRA_PRICES[extra] * quantity  # expect: DB004
    db.session.commit()
    return stay.extras_cents


def _send_receipt(stay: Stay, amount_cents: int, reference: str) -> None:
    body = {
        "to": stay.owner.email,
        "template": "stay_receipt",
        "data": {
            "owner": stay.owner.full_name,
            "pet": stay.pet.name,
            "nights": (stay.check_out - stay.check_in).days,
            "amount_cents": amount_cents,
            "reference": reference,
        },
    }
    resp = requests.post(current_app.config["RECEIPT_MAILER_URL"], json=body)  # expect: REL001
    resp.raise_for_status()


@shared_task(
    bind=True,
    autoretry_for=(stripe.error.APIConnectionError, requests.RequestException),
    retry_backoff=True,
    max_retries=5,
)
def settle_stay_balance(self, stay_id: int) -> str:
    stay = db.session.get(Stay, stay_id)
    owed = stay.total_cents - stay.deposit_cents + stay.extras_cents - stay.balance_paid_cents
    if owed <= 0:
        stay.status = "settled"
        db.session.commit()
        return "nothing owed"

    intent = stripe.PaymentIntent.create(  # expect: REL003
        amount=owed,
        currency=current_app.config["CURRENCY"],
        customer=stay.owner.stripe_customer_id,
        payment_method=stay.owner.default_payment_method,
        off_session=True,
        confirm=True,
        metadata={"stay_id": stay.id, "kind": "balance"},
    )
    _send_receipt(stay, owed, intent.id)

    stay.balance_paid_cents = stay.balance_paid_cents + owed  # expect: DB004
    stay.status = "settled"
    db.session.add(Payment(stay_id=stay.id, kind="balance", amount_cents=owed, stripe_id=intent.id))
    db.session.commit()
    log.info("stay %s settled, charged %s", stay.id, owed)
    return intent.id


@shared_task
def queue_todays_checkouts() -> int:
    stays = Stay.query.filter_by(check_out=date.today(), status="checked_in").all()
    for stay in stays:
        settle_stay_balance.delay(stay.id)
    return len(stays)
