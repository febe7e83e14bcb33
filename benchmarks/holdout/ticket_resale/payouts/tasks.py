import logging
from datetime import date, datetime, time, timedelta, timezone as dt_timezone

import stripe
from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from listings.models import Order, Payout

logger = logging.getLogger(__name__)


@shared_task(
    autoretry_for=(stripe.error.APIConnectionError, stripe.error.RateLimitError),
    retry_backoff=True,
    max_retries=5,
)
def pay_seller(payout_id: int) -> None:
    payout = Payout.objects.select_related("seller__profile").get(pk=payout_id)
    if payout.status != Payout.Status.PENDING:
        logger.info("payout already handled payout_id=%s status=%s", payout.id, payout.status)
        return
    transfer = stripe.Transfer.create(
        amount=payout.amount_cents,
        currency="usd",
        destination=payout.seller.profile.stripe_account_id,
        metadata={"payout_id": payout.id},
        idempotency_key=f"seller-payout-{payout.id}",  # ok: REL003
        api_key=settings.STRIPE_SECRET_KEY,
    )
    Payout.objects.filter(pk=payout.pk, status=Payout.Status.PENDING).update(
        status=Payout.Status.PAID, transfer_id=transfer.id, paid_at=timezone.now()
    )
    logger.info("seller payout sent payout_id=%s seller_id=%s transfer_id=%s", payout.id, payout.seller_id, transfer.id)


@shared_task
def schedule_weekly_payouts(period_start_iso: str) -> int:
    period_start = date.fromisoformat(period_start_iso)
    start = datetime.combine(period_start, time.min, tzinfo=dt_timezone.utc)
    end = start + timedelta(days=7)
    totals = (
        Order.objects.filter(status=Order.Status.PAID, created_at__gte=start, created_at__lt=end)
        .values("listing__seller_id")
        .annotate(total=Sum("amount_cents"))
    )
    payouts = [
        Payout(seller_id=row["listing__seller_id"], period_start=period_start, amount_cents=row["total"])
        for row in totals
    ]
    with transaction.atomic():
        Payout.objects.bulk_create(payouts, ignore_conflicts=True)  # ok: DB003, DB005
        pending = list(
            Payout.objects.filter(period_start=period_start, status=Payout.Status.PENDING).values_list("id", flat=True)
        )
        transaction.on_commit(lambda: [pay_seller.delay(pid) for pid in pending])  # ok: REL004
    logger.info("scheduled seller payouts period_start=%s count=%d", period_start, len(pending))
    return len(pending)
