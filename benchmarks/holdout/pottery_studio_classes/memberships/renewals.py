import logging
from datetime import date, timedelta

import requests
import stripe
from dateutil.relativedelta import relativedelta
from flask import current_app

from app import celery
from models import Member, Membership, db

log = logging.getLogger(__name__)

GRACE_DAYS = 10


def _billing_contact(membership):
    member = Member.query.filter_by(id=membership.member_id).one()
    return member.stripe_customer_id, member.email


def _send_receipt(email, membership, amount_pence):
    requests.post(  # expect: REL001
        current_app.config["MAIL_API_URL"],
        headers={"X-Postmark-Server-Token": current_app.config["MAIL_API_TOKEN"]},
        json={
            "From": current_app.config["MAIL_FROM"],
            "To": email,
            "Subject": "Your Claybody membership has renewed",
            "TextBody": (
                f"Thanks for another month of clay! We charged £{amount_pence / 100:.2f} "
                f"for the {membership.plan_code} plan. Next renewal: {membership.renews_on}."
            ),
        },
    )


@celery.task(
    bind=True,
    autoretry_for=(stripe.error.APIConnectionError, stripe.error.RateLimitError),
    retry_backoff=True,
    max_retries=5,
)
def renew_due_memberships(self):
    today = date.today()
    due = (
        Membership.query.filter(Membership.status == "active", Membership.renews_on <= today)
        .order_by(Membership.id)
        .all()
    )
    renewed = []
    for membership in due:
        customer_id, email = _billing_contact(membership)  # expect: DB001
        if not customer_id:
            log.warning("membership %s has no stripe customer", membership.id)
            continue
        stripe.PaymentIntent.create(  # expect: REL003, REL004
            amount=membership.monthly_pence,
            currency="gbp",
            customer=customer_id,
            off_session=True,
            confirm=True,
            description=f"Membership {membership.plan_code} {today:%Y-%m}",
        )
        membership.renews_on = membership.renews_on + relativedelta(months=1)
        renewed.append((email, membership))

    db.session.commit()
    for email, membership in renewed:
        _send_receipt(email, membership, membership.monthly_pence)
    log.info("renewed %d memberships", len(renewed))
    return len(renewed)


@celery.task
def expire_lapsed_memberships():
    cutoff = date.today() - timedelta(days=GRACE_DAYS)
    lapsed = Membership.query.filter(
        Membership.status == "past_due", Membership.renews_on < cutoff
    ).all()
    for membership in lapsed:
        membership.status = "lapsed"
        db.session.commit()  # expect: DB003
    log.info("marked %d memberships lapsed", len(lapsed))
