"""Daily reminders for overdue rent invoices, at most one per invoice."""
import logging
from smtplib import SMTPException

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from garden.models import RentInvoice

log = logging.getLogger(__name__)

REMINDER_BATCH = 500


def _reminder_text(invoice):
    plot = invoice.plot
    return (
        f"Dear {invoice.member.user.get_full_name() or invoice.member.user.username},\n\n"
        f"Our records show that the {invoice.season} rent of £{invoice.amount} for plot "
        f"{plot.site.code}-{plot.number} was due on {invoice.due_on:%d %B %Y} and is still unpaid.\n"
        "If you have paid in the last few days, please ignore this reminder.\n\n"
        "The Committee"
    )


def _remind(invoice_id):
    """Send one reminder with the invoice row locked; returns False if nothing to do."""
    with transaction.atomic():
        invoice = (RentInvoice.objects
                   .select_for_update(skip_locked=True, of=("self",))
                   .select_related("plot__site", "member__user")
                   .filter(pk=invoice_id, status="overdue", reminder_sent_at__isnull=True)
                   .first())
        if invoice is None:
            return False
        send_mail(
            f"Rent reminder: plot {invoice.plot.site.code}-{invoice.plot.number}",
            _reminder_text(invoice),
            settings.DEFAULT_FROM_EMAIL,
            [invoice.member.user.email],
        )
        invoice.reminder_sent_at = timezone.now()
        invoice.save(update_fields=["reminder_sent_at"])
    return True


@shared_task
def send_overdue_reminders(limit=REMINDER_BATCH):
    today = timezone.localdate()
    flipped = (RentInvoice.objects
               .filter(status="issued", due_on__lt=today)
               .update(status="overdue"))
    invoice_ids = list(RentInvoice.objects
                       .filter(status="overdue", reminder_sent_at__isnull=True)
                       .order_by("due_on", "pk")
                       .values_list("pk", flat=True)[:limit])
    sent = failed = 0
    for invoice_id in invoice_ids:
        try:
            if _remind(invoice_id):  # ok: DB001
                sent += 1
        except (SMTPException, OSError):
            failed += 1
            log.exception("rent reminder for invoice %s was not sent", invoice_id)
    log.info("rent reminders: %s invoices now overdue, %s reminders sent, %s failed",
             flipped, sent, failed)
    return {"sent": sent, "failed": failed}
