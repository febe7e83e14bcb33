"""Monthly membership dues, charged to each member's saved card."""

import logging
from datetime import date

import stripe
from celery import shared_task
from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.utils import timezone

from .models import Membership
from .receipts import send_dues_receipt

logger = logging.getLogger(__name__)
stripe.api_key = settings.STRIPE_SECRET_KEY


def _period_end(today: date) -> date:
    return (today.replace(day=1) + relativedelta(months=1)) - relativedelta(days=1)


@shared_task(
    bind=True,
    autoretry_for=(stripe.error.APIConnectionError, stripe.error.RateLimitError),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=5,
)
def charge_monthly_dues(self):
    """Charge every active membership whose paid-through date has passed."""
    today = timezone.localdate()
    period_end = _period_end(today)
    due = (
        Membership.objects.filter(status="active", paid_through__lt=today, plan__billing="monthly")
        .select_related("member", "plan")
        .order_by("pk")
    )

    charged: list[int] = []
    declined = 0
    for membership in due.iterator(chunk_size=200):
        member = membership.member
        try:
            intent = stripe.PaymentIntent.create(  # expect: REL003
                amount=membership.plan.monthly_price_cents,
                currency=settings.CLUB_CURRENCY,
                customer=member.stripe_customer_id,
                payment_method=member.default_payment_method,
                off_session=True,
                confirm=True,
                description=f"{membership.plan.name} dues through {period_end:%b %Y}",
                metadata={"membership_id": membership.pk, "period_end": period_end.isoformat()},
            )
        except stripe.error.CardError as exc:
            logger.warning("dues declined for membership %s: %s", membership.pk, exc.user_message)
            Membership.objects.filter(pk=membership.pk).update(status="past_due")
            declined += 1
            continue
        except stripe.error.InvalidRequestError as exc:
            logger.error(f"dues charge for membership {membership.pk} rejected: {exc}")  # expect: OBS002
            continue
        charged.append(membership.pk)
        logger.info("membership %s charged (intent %s)", membership.pk, intent.id)

    Membership.objects.filter(pk__in=charged).update(
        paid_through=period_end, last_charged_at=timezone.now()
    )
    for membership_id in charged:
        send_dues_receipt.delay(membership_id, period_end.isoformat())

    logger.info(
        "monthly dues run %s: %d charged, %d declined", self.request.id, len(charged), declined
    )
    return {"charged": len(charged), "declined": declined}
