import logging
from datetime import timedelta
from decimal import Decimal

import stripe
from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from ..models import CreatorPayout, CreatorProfile

logger = logging.getLogger(__name__)
stripe.api_key = settings.STRIPE_SECRET_KEY

MIN_PAYOUT = Decimal("10.00")


def _previous_period() -> str:
    first_of_month = timezone.now().date().replace(day=1)
    return (first_of_month - timedelta(days=1)).strftime("%Y-%m")


@shared_task
def pay_creators(period: str | None = None) -> int:
    period = period or _previous_period()
    creator_ids = (
        CreatorProfile.objects.filter(pending_balance__gte=MIN_PAYOUT)
        .exclude(stripe_account_id="")
        .values_list("id", flat=True)
        .iterator(chunk_size=1000)
    )
    count = 0
    for creator_id in creator_ids:
        pay_creator.delay(creator_id, period)
        count += 1
    logger.info("queued %d creator payouts for %s", count, period)
    return count


@shared_task(bind=True, autoretry_for=(stripe.error.APIConnectionError, stripe.error.RateLimitError),
             retry_backoff=True, max_retries=5, acks_late=True)
def pay_creator(self, creator_id: int, period: str) -> None:
    with transaction.atomic():
        creator = CreatorProfile.objects.select_for_update().get(pk=creator_id)  # ok: DB004
        if CreatorPayout.objects.filter(creator=creator, period=period).exists():  # ok: DB005
            logger.info("creator %s already paid for %s", creator_id, period)
            return
        amount = creator.pending_balance
        if amount < MIN_PAYOUT:
            return

        transfer = stripe.Transfer.create(
            amount=int(amount * 100),
            currency="usd",
            destination=creator.stripe_account_id,
            transfer_group=f"creators-{period}",
            metadata={"creator_id": creator.id, "period": period},
            idempotency_key=f"creator-payout-{creator.id}-{period}",  # ok: REL003
        )
        CreatorPayout.objects.create(
            creator=creator, amount=amount, period=period, stripe_transfer_id=transfer.id
        )
        CreatorProfile.objects.filter(pk=creator.pk).update(
            pending_balance=F("pending_balance") - amount
        )
    logger.info("paid creator %s amount=%s period=%s transfer=%s", creator_id, amount, period, transfer.id)
