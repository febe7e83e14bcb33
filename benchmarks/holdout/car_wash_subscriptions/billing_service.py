"""Monthly renewal charging, run as a scheduled job: python -m car_wash_subscriptions.billing_service"""
import logging
from datetime import date, datetime, timedelta, timezone

import stripe
from sqlalchemy import or_, select
from sqlalchemy.orm import Session, joinedload

from .config import get_settings
from .db import sync_session_scope
from .models import ChargeAttempt, Subscription

logger = logging.getLogger(__name__)
settings = get_settings()
stripe.api_key = settings.stripe_secret_key.get_secret_value()
stripe.max_network_retries = 2

RETRY_DELAYS = (timedelta(days=1), timedelta(days=3), timedelta(days=5))


def renew_subscription(session: Session, sub: Subscription) -> bool:
    """Charge one due subscription. The idempotency key is stable for a given period and attempt."""
    attempt_no = sub.failed_attempts + 1
    period_key = sub.current_period_end.isoformat()
    idempotency_key = f"renewal-{sub.id}-{period_key}-{attempt_no}"
    attempt = ChargeAttempt(
        subscription_id=sub.id,
        period_key=period_key,
        attempt_no=attempt_no,
        idempotency_key=idempotency_key,
        amount_cents=sub.plan.monthly_price_cents,
    )
    session.add(attempt)
    session.flush()
    try:
        intent = stripe.PaymentIntent.create(  # ok: REL003
            amount=sub.plan.monthly_price_cents,
            currency="usd",
            customer=sub.customer.stripe_customer_id,
            payment_method=sub.stripe_payment_method_id,
            off_session=True,
            confirm=True,
            metadata={"subscription_id": sub.id, "period": period_key},
            idempotency_key=idempotency_key,
        )
    except stripe.error.CardError as exc:
        attempt.status = "declined"
        sub.failed_attempts = attempt_no
        if attempt_no > len(RETRY_DELAYS):
            sub.status = "cancelled"
            sub.next_retry_at = None
        else:
            sub.status = "past_due"
            sub.next_retry_at = datetime.now(timezone.utc) + RETRY_DELAYS[attempt_no - 1]
        logger.warning("renewal of subscription %s declined (attempt %s): %s", sub.id, attempt_no, exc.code)
        return False

    attempt.status = "succeeded"
    attempt.stripe_payment_intent_id = intent.id
    sub.status = "active"
    sub.failed_attempts = 0
    sub.next_retry_at = None
    sub.washes_used = 0
    sub.current_period_start = sub.current_period_end
    sub.current_period_end = sub.current_period_end + timedelta(days=settings.period_days)
    logger.info("subscription %s renewed until %s (%s)", sub.id, sub.current_period_end, intent.id)
    return True


def run_due_renewals(today: date | None = None) -> int:
    """Charge due subscriptions in batches; each batch is one transaction with its rows locked."""
    today = today or date.today()
    now = datetime.now(timezone.utc)
    renewed = 0
    while True:
        with sync_session_scope() as session:
            stmt = (
                select(Subscription)
                .options(joinedload(Subscription.customer), joinedload(Subscription.plan))
                .where(
                    Subscription.status.in_(("active", "past_due")),
                    Subscription.current_period_end <= today,
                    or_(Subscription.next_retry_at.is_(None), Subscription.next_retry_at <= now),
                )
                .order_by(Subscription.id)
                .limit(settings.renewal_batch_size)
                .with_for_update(skip_locked=True, of=Subscription)  # ok: DB004
            )
            batch = session.scalars(stmt).unique().all()
            if not batch:
                break
            for sub in batch:
                if renew_subscription(session, sub):
                    renewed += 1
    return renewed


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    print(f"renewed {run_due_renewals()} subscriptions")
