"""Membership renewals, one Celery task per membership and billing period.

Beat runs ``queue_due_renewals`` daily; each renewal task can be retried or
re-queued safely because the charge is keyed on membership and period.
"""

import logging

import stripe
from celery import shared_task
from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .models import Membership
from .receipts import send_dues_receipt

logger = logging.getLogger(__name__)


def _period_end(today):
    return (today.replace(day=1) + relativedelta(months=1)) - relativedelta(days=1)


@shared_task
def queue_due_renewals() -> int:
    today = timezone.localdate()
    period_end = _period_end(today).isoformat()
    due_ids = (
        Membership.objects.filter(status="active", paid_through__lt=today, plan__billing="monthly")
        .values_list("pk", flat=True)
        .iterator(chunk_size=500)
    )
    queued = 0
    for membership_id in due_ids:
        renew_membership.delay(membership_id, period_end)
        queued += 1
    logger.info("queued %d membership renewals for period ending %s", queued, period_end)
    return queued


@shared_task(
    bind=True,
    autoretry_for=(stripe.error.APIConnectionError, stripe.error.RateLimitError),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=5,
)
def renew_membership(self, membership_id: int, period_end: str) -> str:
    membership = Membership.objects.select_related("member", "plan").get(pk=membership_id)
    if membership.status != "active" or membership.paid_through.isoformat() >= period_end:
        return "skipped"
    member = membership.member

    try:
        intent = stripe.PaymentIntent.create(  # ok: REL003
            amount=membership.plan.monthly_price_cents,
            currency=settings.CLUB_CURRENCY,
            customer=member.stripe_customer_id,
            payment_method=member.default_payment_method,
            off_session=True,
            confirm=True,
            description=f"{membership.plan.name} dues through {period_end}",
            metadata={"membership_id": membership.pk, "period_end": period_end},
            idempotency_key=f"membership-{membership.pk}-{period_end}",
            api_key=settings.STRIPE_SECRET_KEY,
        )
    except stripe.error.CardError as exc:
        Membership.objects.filter(pk=membership.pk, status="active").update(status="past_due")
        logger.warning("renewal declined for membership %s: %s", membership.pk, exc.user_message)
        return "declined"

    with transaction.atomic():
        updated = Membership.objects.filter(pk=membership.pk, paid_through__lt=period_end).update(
            paid_through=period_end, last_charged_at=timezone.now(), last_payment_intent=intent.id
        )
        if updated:
            transaction.on_commit(lambda: send_dues_receipt.delay(membership.pk, period_end))
    logger.info("membership %s renewed through %s (task %s)", membership.pk, period_end, self.request.id)
    return "renewed"
