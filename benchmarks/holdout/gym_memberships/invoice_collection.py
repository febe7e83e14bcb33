"""Celery task that collects a member's monthly invoice through a PaymentIntent."""
import logging
from datetime import date

import stripe
from celery import shared_task

from .models import Charge, Member, db

log = logging.getLogger(__name__)


@shared_task(
    bind=True,
    autoretry_for=(stripe.error.APIConnectionError, stripe.error.RateLimitError),
    retry_backoff=True,
    max_retries=5,
)
def collect_invoice(self, member_id: int, period: str, amount_cents: int, period_end: str):
    member = Member.query.get(member_id)
    if member is None or not member.stripe_customer_id:
        log.warning("collection skipped for member %s: no stripe customer", member_id)
        return None

    charge_row = Charge.query.filter_by(member_id=member_id, period=period).first()
    if charge_row is not None and charge_row.status == "succeeded":
        return charge_row.stripe_id
    if charge_row is None:
        charge_row = Charge(member_id=member_id, period=period, amount_cents=amount_cents)
        db.session.add(charge_row)
        db.session.commit()

    try:
        intent = stripe.PaymentIntent.create(  # ok: REL003
            amount=amount_cents,
            currency="usd",
            customer=member.stripe_customer_id,
            off_session=True,
            confirm=True,
            description=f"Membership {period}",
            idempotency_key=f"membership-{member_id}-{period}",
        )
    except stripe.error.CardError as exc:
        log.warning("card declined for member %s: %s", member_id, exc.user_message)  # ok: OBS002
        charge_row.status = "declined"
        member.status = "past_due"
        db.session.commit()
        return None

    charge_row.stripe_id = intent.id
    charge_row.status = "succeeded"
    member.paid_until = date.fromisoformat(period_end)
    db.session.commit()
    log.info("member %s paid for %s", member.id, period)
    return intent.id
