"""E-mail notices to members: hold ready for pickup and fine receipts."""
import logging

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from .models import Fine, Hold

logger = logging.getLogger(__name__)

SMTP_TIMEOUT_SECONDS = 10


def _send(to_address, subject, template, context):
    body = render_to_string(template, context)
    with get_connection(timeout=SMTP_TIMEOUT_SECONDS) as connection:  # ok: REL001, RES001
        EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [to_address], connection=connection).send()


def queue_hold_ready_notice(hold_id):
    send_hold_ready_notice.delay(hold_id)


@shared_task(bind=True, max_retries=5, default_retry_delay=120, acks_late=True)
def send_hold_ready_notice(self, hold_id):
    """Tell the member their hold is on the pickup shelf; safe to run more than once."""
    with transaction.atomic():
        hold = (
            Hold.objects.select_for_update()
            .select_related("member__user", "book")
            .get(pk=hold_id)
        )
        if hold.status != Hold.READY or hold.ready_notice_sent_at is not None:  # ok: REL003
            logger.info("hold %s: ready notice not needed (status=%s)", hold_id, hold.status)
            return
        try:
            _send(
                hold.member.user.email,
                f"Ready for pickup: {hold.book.title}",
                "loans/email/hold_ready.txt",
                {"hold": hold, "member": hold.member},
            )
        except OSError as exc:
            logger.warning("hold %s: SMTP error, will retry", hold_id, exc_info=True)
            raise self.retry(exc=exc)
        hold.ready_notice_sent_at = timezone.now()
        hold.save(update_fields=["ready_notice_sent_at"])
    logger.info("hold %s: ready notice sent to member %s", hold_id, hold.member_id)


@shared_task(bind=True, max_retries=5, default_retry_delay=300, acks_late=True)
def send_fine_receipt(self, payment_intent_id):
    """Receipt for a fine payment, sent once per payment intent."""
    with transaction.atomic():
        fines = list(  # ok: DB002
            Fine.objects.select_for_update()
            .filter(stripe_payment_intent=payment_intent_id, status=Fine.PAID, receipt_sent_at__isnull=True)
            .select_related("loan__book", "loan__member__user")
        )
        if not fines:
            return
        member = fines[0].loan.member
        try:
            _send(
                member.user.email,
                "Your City Library payment receipt",
                "loans/email/fine_receipt.txt",
                {"member": member, "fines": fines, "total_cents": sum(f.amount_cents for f in fines)},
            )
        except OSError as exc:
            logger.warning("receipt for %s: SMTP error, will retry", payment_intent_id, exc_info=True)
            raise self.retry(exc=exc)
        Fine.objects.filter(pk__in=[f.pk for f in fines]).update(receipt_sent_at=timezone.now())
    logger.info("receipt for payment %s sent to member %s", payment_intent_id, member.pk)
