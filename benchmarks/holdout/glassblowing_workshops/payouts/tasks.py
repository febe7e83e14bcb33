"""Instructor payouts through Stripe Connect.

Instructors earn their revenue share when a session they teach has run
(accrue_session_earnings); every Monday the balance is transferred to their
connected account.
"""
import datetime as dt
import logging
from decimal import Decimal

import stripe
from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone

from workshops.models import Instructor, Payout, WorkshopSession

logger = logging.getLogger(__name__)
stripe.api_key = settings.STRIPE_SECRET_KEY

MIN_PAYOUT_CENTS = 2000


@shared_task
def accrue_session_earnings(session_id: int) -> int:
    """Credit the instructor's share of a finished session's confirmed bookings, once."""
    session = WorkshopSession.objects.select_related("workshop__instructor").get(pk=session_id)
    instructor = session.workshop.instructor
    gross = session.bookings.filter(status="confirmed").aggregate(total=Sum("amount_cents"))["total"] or 0
    share = int(Decimal(gross) * instructor.revenue_share)
    with transaction.atomic():
        claimed = WorkshopSession.objects.filter(pk=session_id, earnings_accrued_at__isnull=True).update(
            earnings_accrued_at=timezone.now()
        )
        if not claimed:
            return 0
        Instructor.objects.filter(pk=instructor.pk).update(  # ok: DB004
            pending_payout_cents=F("pending_payout_cents") + share
        )
    logger.info("session %s: credited %d cents to instructor %s", session_id, share, instructor.pk)
    return share


@shared_task
def accrue_finished_sessions() -> int:
    """Hourly: queue accrual for sessions that ended and were not credited yet."""
    cutoff = timezone.now() - dt.timedelta(hours=6)
    ids = list(
        WorkshopSession.objects.filter(starts_at__lt=cutoff, earnings_accrued_at__isnull=True)
        .order_by("starts_at")
        .values_list("pk", flat=True)[:200]
    )
    for session_id in ids:
        accrue_session_earnings.delay(session_id)
    return len(ids)


@shared_task
def run_weekly_payouts() -> int:
    due = Instructor.objects.filter(
        pending_payout_cents__gte=MIN_PAYOUT_CENTS
    ).exclude(stripe_account_id="").values_list("pk", flat=True)
    count = 0
    for instructor_id in due.iterator():
        pay_instructor.delay(instructor_id)
        count += 1
    logger.info("queued %d instructor payouts", count)
    return count


@shared_task(
    bind=True,
    autoretry_for=(stripe.error.APIConnectionError, stripe.error.RateLimitError),
    retry_backoff=True,
    max_retries=5,
)
def pay_instructor(self, instructor_id: int) -> str | None:
    instructor = Instructor.objects.get(pk=instructor_id)
    amount = instructor.pending_payout_cents
    if amount < MIN_PAYOUT_CENTS:
        return None

    transfer = stripe.Transfer.create(  # expect: REL003
        amount=amount,
        currency="usd",
        destination=instructor.stripe_account_id,
        description=f"Ember & Breath payout for {instructor.display_name}",
        metadata={"instructor_id": instructor.pk},
    )
    instructor.pending_payout_cents = 0
    instructor.save(update_fields=["pending_payout_cents"])  # expect: DB004
    Payout.objects.create(
        instructor=instructor,
        amount_cents=amount,
        period_end=timezone.localdate(),
        status="paid",
        transfer_id=transfer.id,
    )
    logger.info("paid %d cents to instructor %s (transfer %s)", amount, instructor.pk, transfer.id)
    return transfer.id
