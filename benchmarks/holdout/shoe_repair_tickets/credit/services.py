"""Counter-side credit helpers used by the pickup screen."""
import logging

from django.db.models import Sum

from credit.models import CreditEntry, StoreCreditAccount
from tickets.models import RepairTicket

logger = logging.getLogger(__name__)


def balance_for(customer_id: int) -> int:
    account = StoreCreditAccount.objects.filter(customer_id=customer_id).only("balance_cents").first()
    return account.balance_cents if account else 0


def apply_to_ticket(ticket: RepairTicket, user, max_cents: int | None = None) -> int:
    """Use the customer's store credit toward the repair at pickup; returns cents applied."""
    try:
        account = StoreCreditAccount.objects.get(customer_id=ticket.customer_id)
    except StoreCreditAccount.DoesNotExist:
        return 0
    wanted = ticket.quoted_cents if max_cents is None else min(max_cents, ticket.quoted_cents)
    usable = min(account.balance_cents, wanted)
    if usable <= 0:
        return 0

    account.balance_cents -= usable  # expect: DB004
    account.save(update_fields=["balance_cents", "updated_at"])
    CreditEntry.objects.create(
        account=account,
        amount_cents=-usable,
        reason=CreditEntry.Reason.REDEMPTION,
        ticket=ticket,
        created_by=user,
    )
    logger.info("applied %s cents credit to ticket %s", usable, ticket.pk)
    return usable


def statement(customer_id: int, limit: int = 50) -> dict:
    """Balance plus the most recent ledger lines, for the portal and the counter."""
    account = StoreCreditAccount.objects.filter(customer_id=customer_id).first()
    if account is None:
        return {"balance_cents": 0, "entries": [], "lifetime_issued_cents": 0}
    entries = account.entries.select_related("ticket").order_by("-created_at")[:limit]
    issued = account.entries.filter(amount_cents__gt=0).aggregate(total=Sum("amount_cents"))["total"] or 0
    return {
        "balance_cents": account.balance_cents,
        "lifetime_issued_cents": issued,
        "entries": [
            {
                "amount_cents": e.amount_cents,
                "reason": e.reason,
                "claim_number": e.ticket.claim_number if e.ticket_id else None,  # ok: DB001
                "at": e.created_at.isoformat(),
            }
            for e in entries
        ],
    }
