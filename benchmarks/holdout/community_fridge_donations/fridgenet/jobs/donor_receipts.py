"""Monthly donor receipts: one e-mail per donor per month, never two."""
import logging
import smtplib
from datetime import date, timedelta

from celery import shared_task
from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.mail import send_mail
from django.db.models import Count, Sum
from django.utils import timezone

from ..models import DonationReceipt, Donor, DropOff

logger = logging.getLogger(__name__)

STALE_CLAIM = timedelta(hours=6)


def _previous_month_start(today):
    return today.replace(day=1) - relativedelta(months=1)


@shared_task
def send_monthly_receipts():
    month = _previous_month_start(timezone.localdate())
    donor_ids = (
        DropOff.objects.filter(
            status=DropOff.Status.RECEIVED,
            checked_in_at__date__gte=month,
            checked_in_at__date__lt=month + relativedelta(months=1),
            donor__receipts_opt_in=True,
        )
        .values_list("donor_id", flat=True)
        .distinct()
    )
    queued = 0
    for donor_id in donor_ids.iterator(chunk_size=1000):  # ok: DB001
        send_donor_receipt.delay(donor_id, month.isoformat())
        queued += 1
    logger.info("queued %d receipts for %s", queued, month)
    return queued


@shared_task(
    bind=True,
    autoretry_for=(smtplib.SMTPConnectError, ConnectionRefusedError),
    retry_backoff=True,
    max_retries=3,
)
def send_donor_receipt(self, donor_id, month_iso):
    month = date.fromisoformat(month_iso)
    receipt, _ = DonationReceipt.objects.get_or_create(donor_id=donor_id, month=month)  # ok: DB005

    # Claim the receipt; a duplicate task (or a retry after success) finds nothing to claim.
    claimed = DonationReceipt.objects.filter(
        pk=receipt.pk, sent_at__isnull=True, claimed_at__isnull=True
    ).update(claimed_at=timezone.now())
    if not claimed:
        return "skipped"

    donor = Donor.objects.select_related("user").get(pk=donor_id)
    totals = DropOff.objects.filter(
        donor_id=donor_id,
        status=DropOff.Status.RECEIVED,
        checked_in_at__date__gte=month,
        checked_in_at__date__lt=month + relativedelta(months=1),
    ).aggregate(visits=Count("id"), items=Sum("items_count"))

    body = (
        f"Dear {donor.display_name},\n\n"
        f"Thank you! In {month:%B %Y} you dropped off {totals['items'] or 0} items "
        f"over {totals['visits']} visits to our community fridges.\n\n"
        "This e-mail is your receipt for your records.\n"
    )
    try:
        send_mail(
            subject=f"Your Fridge Network donations, {month:%B %Y}",
            message=body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[donor.user.email],
        )
    except Exception:
        DonationReceipt.objects.filter(pk=receipt.pk).update(claimed_at=None)
        raise

    DonationReceipt.objects.filter(pk=receipt.pk).update(sent_at=timezone.now())
    logger.info("receipt %s sent to donor %s for %s", receipt.pk, donor_id, month)
    return "sent"


@shared_task
def release_stale_claims():
    """Receipts claimed by a worker that died mid-send are made claimable again."""
    released = DonationReceipt.objects.filter(
        sent_at__isnull=True, claimed_at__lt=timezone.now() - STALE_CLAIM
    ).update(claimed_at=None)
    if released:
        logger.warning("released %d stale receipt claims", released)
    return released
