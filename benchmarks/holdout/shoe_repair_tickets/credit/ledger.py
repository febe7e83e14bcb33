"""Store credit ledger: every balance change is a locked or single-statement update plus an entry."""
import logging
from datetime import timedelta

from celery import shared_task
from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone

from credit.models import CreditEntry, StoreCreditAccount

logger = logging.getLogger(__name__)


class InsufficientCredit(Exception):
    pass


def issue_credit(*, customer_id: int, amount_cents: int, reason: str, ticket_id=None, user=None) -> CreditEntry:
    if amount_cents <= 0:
        raise ValueError("credit must be positive")
    with transaction.atomic():
        account, _ = StoreCreditAccount.objects.get_or_create(customer_id=customer_id)  # ok: DB005
        StoreCreditAccount.objects.filter(pk=account.pk).update(
            balance_cents=F("balance_cents") + amount_cents, updated_at=timezone.now()  # ok: DB004
        )
        entry = CreditEntry.objects.create(
            account=account, amount_cents=amount_cents, reason=reason, ticket_id=ticket_id, created_by=user
        )
    logger.info("issued %s cents credit to customer %s (%s)", amount_cents, customer_id, reason)
    return entry


def redeem(*, customer_id: int, amount_cents: int, ticket_id=None, user=None) -> int:
    """Take up to amount_cents off the customer's balance; returns what was actually applied."""
    with transaction.atomic():
        account = (
            StoreCreditAccount.objects.select_for_update()
            .filter(customer_id=customer_id)
            .first()
        )
        if account is None or account.balance_cents == 0:
            return 0
        applied = min(account.balance_cents, amount_cents)
        account.balance_cents -= applied  # ok: DB004
        account.save(update_fields=["balance_cents", "updated_at"])
        CreditEntry.objects.create(
            account=account,
            amount_cents=-applied,
            reason=CreditEntry.Reason.REDEMPTION,
            ticket_id=ticket_id,
            created_by=user,
        )
    logger.info("redeemed %s cents for customer %s", applied, customer_id)
    return applied


@shared_task(name="credit.ledger.expire_old_credit")
def expire_old_credit(batch_size: int = 200) -> int:
    """Expire unspent credit older than a year, one account per transaction."""
    now = timezone.now()
    account_ids = list(
        CreditEntry.objects.expiring_before(now)
        .order_by("account_id")
        .values_list("account_id", flat=True)
        .distinct()[:batch_size]
    )
    expired_total = 0
    for account_id in account_ids:
        with transaction.atomic():
            account = StoreCreditAccount.objects.select_for_update().get(pk=account_id)
            old = CreditEntry.objects.expiring_before(now).filter(account=account)
            due = old.aggregate(total=Sum("amount_cents"))["total"] or 0
            spent_since = -(
                account.entries.filter(created_at__gte=now - timedelta(days=365), amount_cents__lt=0)
                .aggregate(total=Sum("amount_cents"))["total"] or 0
            )
            to_expire = min(account.balance_cents, max(due - spent_since, 0))
            old.update(expired=True)
            if to_expire:
                account.balance_cents -= to_expire
                account.save(update_fields=["balance_cents", "updated_at"])
                CreditEntry.objects.create(account=account, amount_cents=-to_expire, reason=CreditEntry.Reason.EXPIRY)
                expired_total += to_expire
    logger.info("expired %s cents of store credit across %d accounts", expired_total, len(account_ids))
    return expired_total
