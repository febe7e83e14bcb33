"""Deposit collection for newly booked visits, and release on cancellation."""
import logging

import stripe
from celery import shared_task
from flask import current_app

from .. import db
from ..models import Appointment
from .mail import send_deposit_declined_email

logger = logging.getLogger(__name__)

TRANSIENT_STRIPE_ERRORS = (
    stripe.error.APIConnectionError,
    stripe.error.RateLimitError,
    stripe.error.APIError,
)


def _configure_stripe():
    stripe.api_key = current_app.config["STRIPE_SECRET_KEY"]
    stripe.max_network_retries = 0


@shared_task(
    bind=True,
    autoretry_for=TRANSIENT_STRIPE_ERRORS,
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=5,
)
def collect_deposit(self, appointment_id):
    """Charge the booking deposit off-session against the customer's saved card."""
    appt = db.session.get(Appointment, appointment_id)
    if appt is None or appt.status != "booked" or appt.deposit_status in ("paid", "waived"):
        return None
    customer = appt.customer
    if not customer.stripe_customer_id or not customer.default_payment_method:
        appt.deposit_status = "no_card"
        db.session.commit()
        return None

    _configure_stripe()
    try:
        intent = stripe.PaymentIntent.create(  # expect: REL003, REL004
            amount=current_app.config["DEPOSIT_AMOUNT_PENCE"],
            currency="gbp",
            customer=customer.stripe_customer_id,
            payment_method=customer.default_payment_method,
            off_session=True,
            confirm=True,
            description=f"Sweep deposit, visit {appt.id}",
            metadata={"appointment_id": str(appt.id), "kind": "deposit"},
        )
    except stripe.error.CardError as exc:
        logger.warning(  # ok: OBS002
            "deposit declined for appointment %s: %s", appt.id, exc.user_message
        )
        appt.deposit_status = "declined"
        db.session.commit()
        send_deposit_declined_email.delay(appt.id)
        return None

    appt.deposit_intent_id = intent.id
    appt.deposit_status = "paid" if intent.status == "succeeded" else intent.status
    db.session.commit()
    logger.info("deposit %s for appointment %s is %s", intent.id, appt.id, intent.status)
    return intent.id


@shared_task(
    bind=True,
    autoretry_for=TRANSIENT_STRIPE_ERRORS,
    retry_backoff=True,
    max_retries=5,
)
def release_deposit(self, appointment_id):
    """Refund the deposit when a visit is cancelled with more than 48 hours' notice."""
    appt = db.session.get(Appointment, appointment_id)
    if appt is None or appt.deposit_status != "paid" or not appt.deposit_intent_id:
        return None
    _configure_stripe()
    refund = stripe.Refund.create(
        payment_intent=appt.deposit_intent_id,
        idempotency_key=f"deposit-refund-{appt.id}",  # ok: REL003
    )
    appt.deposit_status = "refunded"
    db.session.commit()
    logger.info("deposit for appointment %s refunded (%s)", appt.id, refund.id)
    return refund.id
