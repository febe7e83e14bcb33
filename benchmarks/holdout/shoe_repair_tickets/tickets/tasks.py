"""Nightly housekeeping for repair tickets."""
import logging
from datetime import timedelta

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from credit.ledger import issue_credit
from credit.models import CreditEntry
from tickets.models import RepairTicket

logger = logging.getLogger(__name__)

ABANDON_AFTER = timedelta(days=90)
DEPOSIT_SHARE = 0.5


@shared_task(name="tickets.tasks.flag_abandoned_repairs")
def flag_abandoned_repairs() -> int:
    """Shoes left on the shelf for 90 days are abandoned; half the quote comes back as credit."""
    cutoff = timezone.now() - ABANDON_AFTER
    stale = list(
        RepairTicket.objects.filter(status=RepairTicket.Status.READY, ready_at__lt=cutoff)
        .only("pk", "customer_id", "quoted_cents", "status")
        .order_by("pk")[:2000]
    )
    for ticket in stale:
        ticket.status = RepairTicket.Status.ABANDONED
        ticket.save(update_fields=["status"])  # expect: DB003

    flagged = 0
    for ticket in stale:
        try:
            issue_credit(
                customer_id=ticket.customer_id,
                amount_cents=int(ticket.quoted_cents * DEPOSIT_SHARE),
                reason=CreditEntry.Reason.DEPOSIT_REFUND,
                ticket_id=ticket.pk,
            )
        except Exception:  # expect: ERR001
            continue
        flagged += 1
    logger.info("flagged %d abandoned repairs (ready before %s)", flagged, cutoff.date())
    return flagged


@shared_task(name="tickets.tasks.reassign_from_inactive_cobblers")
def reassign_from_inactive_cobblers(target_cobbler_id: int) -> int:
    """When someone leaves, move their open tickets to another bench in one statement."""
    with transaction.atomic():
        moved = RepairTicket.objects.filter(  # ok: DB003
            cobbler__active=False,
            status__in=[RepairTicket.Status.RECEIVED, RepairTicket.Status.IN_PROGRESS],
        ).update(cobbler_id=target_cobbler_id)
    logger.info("moved %d open tickets to cobbler %s", moved, target_cobbler_id)
    return moved


@shared_task(name="tickets.tasks.purge_old_photos")
def purge_old_photos(days: int = 400) -> int:
    """Intake photos are only needed until the dispute window closes."""
    from tickets.models import IntakePhoto

    cutoff = timezone.now() - timedelta(days=days)
    batch = list(IntakePhoto.objects.filter(uploaded_at__lt=cutoff).values_list("pk", flat=True)[:1000])
    deleted, _ = IntakePhoto.objects.filter(pk__in=batch).delete()
    logger.info("purged %d intake photo records older than %s days", deleted, days)
    return deleted
