"""Monthly payouts to members who sell their honey through the shop on consignment.

Beat runs ``schedule_monthly_payouts`` on the 3rd of each month. Each consignor's
net (gross sales less the co-op's commission) is sent to their connected Stripe
account and the sales are stamped with the payout they were settled in.
"""
import logging
from datetime import datetime, time
from decimal import ROUND_HALF_UP, Decimal

import stripe
from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from consignment.models import ConsignmentSale, Consignor, Payout

logger = logging.getLogger(__name__)

COMMISSION_RATE = Decimal("0.15")


def _unpaid_sales(consignor_id, cutoff):
    return ConsignmentSale.objects.filter(consignor_id=consignor_id, payout__isnull=True, sold_at__lt=cutoff)


def _net_due(consignor, cutoff):
    gross = _unpaid_sales(consignor.pk, cutoff).aggregate(total=Sum("gross_pence"))["total"] or 0
    commission = (Decimal(gross) * COMMISSION_RATE).quantize(Decimal("1"), rounding=ROUND_HALF_UP)
    return gross - int(commission)


@shared_task
def schedule_monthly_payouts():
    today = timezone.localdate()
    cutoff = timezone.make_aware(datetime.combine(today.replace(day=1), time.min))
    period = cutoff.strftime("%Y-%m")
    consignors = Consignor.objects.filter(active=True).exclude(stripe_account_id="")
    queued = 0
    for consignor in consignors:
        amount = _net_due(consignor, cutoff)  # expect: DB001
        if amount < settings.MIN_PAYOUT_PENCE:
            continue
        pay_consignor.delay(consignor.pk, amount, period, cutoff.isoformat())
        queued += 1
    logger.info("queued %d consignment payouts for %s", queued, period)


@shared_task(
    bind=True,
    autoretry_for=(stripe.error.APIConnectionError, stripe.error.RateLimitError),
    retry_backoff=True,
    max_retries=6,
)
def pay_consignor(self, consignor_id, amount_pence, period, cutoff_iso):
    consignor = Consignor.objects.get(pk=consignor_id)
    cutoff = datetime.fromisoformat(cutoff_iso)

    transfer = stripe.Transfer.create(  # expect: REL003
        amount=amount_pence,
        currency=settings.STRIPE_CURRENCY,
        destination=consignor.stripe_account_id,
        description=f"Honey consignment {period}",
        metadata={"consignor_id": str(consignor.pk), "period": period},
        api_key=settings.STRIPE_SECRET_KEY,
    )

    with transaction.atomic():
        payout = Payout.objects.create(
            consignor=consignor,
            amount_pence=amount_pence,
            period=period,
            stripe_transfer_id=transfer.id,
        )
        stamped = _unpaid_sales(consignor.pk, cutoff).update(payout=payout)

    logger.info(
        "paid consignor %s %sp for %s (%d sales, transfer %s)",
        consignor.pk, amount_pence, period, stamped, transfer.id,
    )
    return payout.pk
