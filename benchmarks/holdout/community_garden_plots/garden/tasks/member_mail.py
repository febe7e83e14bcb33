"""Transactional member e-mail: fee reminders, plot offers, overdue tools."""
import logging
import smtplib

from celery import shared_task
from django.core.mail import EmailMessage, get_connection
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone

from garden.models import Plot, PlotFee, ToolLoan, WaitlistEntry

logger = logging.getLogger("garden.mail")
BATCH = 200


@shared_task(acks_late=True)
def send_fee_reminders(season: int | None = None) -> int:
    season = season or timezone.localdate().year
    due = (
        PlotFee.objects.filter(season=season, status="due", reminder_sent_at__isnull=True)
        .select_related("member__user", "plot__site")
        .order_by("pk")
    )
    sent = 0
    with get_connection(timeout=15) as connection:  # ok: REL001, RES001
        for fee in due.iterator(chunk_size=BATCH):
            # Claim the reminder before sending so an overlapping run skips it.
            claimed = PlotFee.objects.filter(pk=fee.pk, reminder_sent_at__isnull=True).update(
                reminder_sent_at=timezone.now()
            )
            if not claimed:
                continue
            body = render_to_string("garden/email/fee_reminder.txt", {"fee": fee})
            message = EmailMessage(
                f"Plot fee {season}: {fee.plot.site.name} plot {fee.plot.number}",  # ok: DB001
                body,
                to=[fee.member.user.email],
                connection=connection,
            )
            try:
                message.send()  # ok: REL003
            except (smtplib.SMTPException, OSError):
                PlotFee.objects.filter(pk=fee.pk).update(reminder_sent_at=None)
                logger.warning("fee reminder for fee %s failed; next run retries it", fee.pk, exc_info=True)
                continue
            sent += 1
    logger.info("fee reminders for %s: %d sent", season, sent)
    return sent


@shared_task(acks_late=True)
def send_plot_offer(plot_id: int, entry_id: int) -> None:
    entry = WaitlistEntry.objects.select_related("member__user", "site").get(pk=entry_id)
    plot = Plot.objects.get(pk=plot_id)
    if plot.offered_to_id != entry.member_id or plot.status != Plot.OFFERED:
        logger.info("offer of plot %s to entry %s no longer open; not sending", plot_id, entry_id)
        return
    body = render_to_string("garden/email/plot_offer.txt", {"plot": plot, "entry": entry})
    EmailMessage(
        f"A plot is available at {entry.site.name}",
        body,
        to=[entry.member.user.email],
        connection=get_connection(timeout=15),
    ).send()
    logger.info("plot offer for plot %s sent to member %s", plot_id, entry.member_id)


@shared_task
def expire_plot_offers() -> int:
    expired = Plot.objects.filter(status=Plot.OFFERED, offer_expires_at__lt=timezone.now()).update(
        status=Plot.VACANT, offered_to=None, offer_expires_at=None
    )
    logger.info("expired %d plot offers", expired)
    return expired


@shared_task
def count_overdue_tool_loans() -> int:
    """Feeds the shed keepers' daily summary; the reminders themselves go out from the shed tablet."""
    overdue = ToolLoan.objects.filter(Q(returned_at__isnull=True) & Q(due_back__lt=timezone.localdate()))
    count = overdue.count()
    logger.info("%d tool loans overdue", count)
    return count
