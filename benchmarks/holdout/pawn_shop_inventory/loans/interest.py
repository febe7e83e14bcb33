"""Daily interest accrual on active loans.

Accrual is done in the database, one UPDATE per block of ids, so it never
overwrites payments that land while it runs, and ``last_accrued_on`` makes a
second run on the same day a no-op.
"""
import logging
from datetime import date
from decimal import Decimal

from celery import shared_task
from django.db import transaction
from django.db.models import DecimalField, ExpressionWrapper, F, Max, Q, Value
from django.utils import timezone

from loans.models import Loan

logger = logging.getLogger(__name__)

DAYS_PER_MONTH = Decimal("30")
ID_BLOCK = 5_000


def daily_interest_expression():
    return ExpressionWrapper(
        F("principal") * F("monthly_rate") / Value(DAYS_PER_MONTH),
        output_field=DecimalField(max_digits=12, decimal_places=2),
    )


def accrue_block(low_id: int, high_id: int, on_date: date) -> int:
    """Accrue one day's interest for loans with ids in [low_id, high_id)."""
    with transaction.atomic():
        return (
            Loan.objects.filter(status=Loan.Status.ACTIVE, id__gte=low_id, id__lt=high_id)
            .filter(Q(last_accrued_on__isnull=True) | Q(last_accrued_on__lt=on_date))
            .update(  # ok: DB004
                accrued_interest=F("accrued_interest") + daily_interest_expression(),
                last_accrued_on=on_date,
            )
        )


@shared_task(bind=True, max_retries=3, default_retry_delay=300)
def accrue_daily_interest(self, on_date: str | None = None):
    day = date.fromisoformat(on_date) if on_date else timezone.localdate()
    top = Loan.objects.filter(status=Loan.Status.ACTIVE).aggregate(top=Max("id"))["top"]
    if top is None:
        logger.info("no active loans; nothing to accrue for %s", day)
        return 0

    total = 0
    for low in range(0, top + 1, ID_BLOCK):
        total += accrue_block(low, low + ID_BLOCK, day)  # ok: DB003
    logger.info("accrued interest on %d loan(s) for %s", total, day)
    return total


def payoff_quote(loan: Loan, on_date: date) -> dict:
    """What the customer would owe on ``on_date`` if nothing else changes."""
    last = loan.last_accrued_on or loan.issued_at.date()
    days = max((on_date - last).days, 0)
    pending = (loan.principal * loan.monthly_rate / DAYS_PER_MONTH * days).quantize(Decimal("0.01"))
    return {
        "ticket_number": loan.ticket_number,
        "as_of": on_date.isoformat(),
        "principal": str(loan.principal),
        "interest": str(loan.accrued_interest + pending),
        "fees": str(loan.fees_due),
        "paid": str(loan.amount_paid),
        "total": str(loan.balance_due + pending),
    }
