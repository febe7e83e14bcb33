"""Celery tasks that charge monthly membership renewals."""
import logging
from datetime import date, timedelta

import stripe
from celery import shared_task

from .models import Charge, Member, db

log = logging.getLogger(__name__)

RENEWAL_DAYS = 30


@shared_task(
    bind=True,
    autoretry_for=(stripe.error.APIConnectionError, stripe.error.RateLimitError),
    retry_backoff=True,
    max_retries=5,
)
def charge_renewal(self, member_id: int, amount_cents: int):
    member = Member.query.get(member_id)
    if member is None or not member.stripe_customer_id:
        log.warning("renewal skipped for member %s: no stripe customer", member_id)
        return None

    period = date.today().strftime("%Y-%m")
    try:
        charge = stripe.Charge.create(  # expect: REL003
            amount=amount_cents,
            currency="usd",
            customer=member.stripe_customer_id,
            description=f"Membership renewal {period}",
        )
    except stripe.error.CardError as exc:
        log.warning("card declined for member %s: %s", member_id, exc.user_message)  # ok: OBS002
        member.status = "past_due"
        db.session.commit()
        return None

    member.paid_until = max(member.paid_until or date.today(), date.today()) + timedelta(days=RENEWAL_DAYS)
    db.session.add(
        Charge(
            member_id=member.id,
            period=period,
            amount_cents=amount_cents,
            stripe_id=charge.id,
            status="succeeded",
        )
    )
    db.session.commit()
    log.info("member %s renewed until %s", member.id, member.paid_until)
    return charge.id


@shared_task
def queue_due_renewals(amount_cents: int = 4900):
    due = Member.query.filter(Member.paid_until <= date.today(), Member.status == "active").all()
    for member in due:
        charge_renewal.delay(member.id, amount_cents)
    log.info("queued %d renewals", len(due))
