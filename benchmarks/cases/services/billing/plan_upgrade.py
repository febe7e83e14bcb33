"""Celery task that charges the prorated difference when a customer upgrades their plan."""
import logging
import os

import stripe
from celery import shared_task
from sqlalchemy import select
from tenacity import retry, retry_if_exception_type, stop_after_attempt, wait_exponential

from .db import SessionLocal
from .models import PlanChange

logger = logging.getLogger(__name__)

stripe.api_key = os.environ.get("STRIPE_SECRET_KEY", "")

TRANSIENT_ERRORS = (stripe.error.APIConnectionError, stripe.error.RateLimitError)


@retry(  # ok: REL002
    retry=retry_if_exception_type(TRANSIENT_ERRORS),
    wait=wait_exponential(multiplier=1, max=30),
    stop=stop_after_attempt(5),
    reraise=True,
)
def charge_proration(change):
    """Charge the prorated amount for a plan change."""
    return stripe.PaymentIntent.create(  # ok: REL003
        amount=change.prorated_cents,
        currency=change.currency,
        customer=change.stripe_customer_id,
        payment_method=change.payment_method_id,
        off_session=True,
        confirm=True,
        metadata={"plan_change_id": change.id},
        idempotency_key=f"plan-change-{change.id}",
    )


@shared_task(name="billing.apply_plan_change", acks_late=True)
def apply_plan_change(change_id: int):
    with SessionLocal() as session:
        change = session.scalars(
            select(PlanChange).where(PlanChange.id == change_id).with_for_update()
        ).one()
        if change.status != "pending":
            logger.info("plan change %s already %s", change.id, change.status)
            return change.status
        try:
            intent = charge_proration(change)
        except stripe.error.CardError as exc:
            logger.info("proration declined for plan change %s: %s", change.id, exc.code)
            change.status = "declined"
            session.commit()
            return change.status
        change.payment_intent_id = intent.id
        change.status = "applied"
        change.subscription.plan_id = change.new_plan_id
        session.commit()
    logger.info("plan change %s applied", change_id)
    return "applied"
