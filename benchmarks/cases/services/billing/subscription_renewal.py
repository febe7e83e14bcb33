"""Celery task that renews subscriptions at the end of their billing period."""
import logging
import os
from datetime import datetime, timezone

import stripe
from celery import shared_task
from sqlalchemy import select
from tenacity import retry, retry_if_exception_type, wait_exponential

from .db import SessionLocal
from .models import Subscription

logger = logging.getLogger(__name__)

stripe.api_key = os.environ.get("STRIPE_SECRET_KEY", "")

TRANSIENT_ERRORS = (stripe.error.APIConnectionError, stripe.error.RateLimitError)


@retry(retry=retry_if_exception_type(TRANSIENT_ERRORS), wait=wait_exponential(multiplier=1, max=60))  # expect: REL002
def charge_renewal(subscription):
    """Charge the customer's default payment method for the next period."""
    return stripe.PaymentIntent.create(  # expect: REL003
        amount=subscription.plan.price_cents,
        currency=subscription.plan.currency,
        customer=subscription.stripe_customer_id,
        payment_method=subscription.default_payment_method,
        off_session=True,
        confirm=True,
        metadata={"subscription_id": subscription.id},
    )


@shared_task(name="billing.renew_subscriptions")
def renew_due_subscriptions(batch_size: int = 200):
    now = datetime.now(timezone.utc)
    renewed = failed = 0
    with SessionLocal() as session:
        due = session.scalars(
            select(Subscription)
            .where(Subscription.status == "active", Subscription.current_period_end <= now)
            .order_by(Subscription.current_period_end)
            .limit(batch_size)
            .with_for_update(skip_locked=True)
        ).all()
        for subscription in due:
            try:
                intent = charge_renewal(subscription)  # todo-expect: REL004
            except stripe.error.CardError as exc:
                logger.info("renewal declined for subscription %s: %s", subscription.id, exc.code)
                subscription.status = "past_due"
                failed += 1
                continue
            subscription.last_payment_intent_id = intent.id
            subscription.current_period_start = subscription.current_period_end
            subscription.current_period_end = subscription.plan.next_period_end(subscription.current_period_end)
            renewed += 1
        session.commit()
    logger.info("renewals: %s renewed, %s failed", renewed, failed)
    return {"renewed": renewed, "failed": failed}
