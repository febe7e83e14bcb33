"""Firing-day reminders, sent the morning a member's work goes in the kiln.

One task per member and firing; a ReminderLog row (unique per pair) is written
before sending so a redelivered task does not e-mail twice.
"""
import logging
from datetime import datetime, time, timedelta
from smtplib import SMTPException

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.utils import timezone

from .models import Firing, ReminderLog, ShelfBooking

logger = logging.getLogger(__name__)


@shared_task
def queue_firing_reminders():
    today = timezone.localdate()
    start = timezone.make_aware(datetime.combine(today, time.min))
    end = start + timedelta(days=1)
    firings = (
        Firing.objects.filter(scheduled_for__gte=start, scheduled_for__lt=end, status="open")
        .prefetch_related(Prefetch("shelves__bookings", queryset=ShelfBooking.objects.only("pk", "member_id", "shelf_id")))
    )
    queued = 0
    for firing in firings:
        member_ids = {b.member_id for shelf in firing.shelves.all() for b in shelf.bookings.all()}  # ok: DB001
        for member_id in member_ids:
            send_firing_reminder.delay(member_id, firing.pk)
            queued += 1
    logger.info("queued %d firing reminders for %s", queued, today)


@shared_task(bind=True, max_retries=3, default_retry_delay=120)
def send_firing_reminder(self, member_id, firing_id):
    try:
        with transaction.atomic():
            log = ReminderLog.objects.create(member_id=member_id, firing_id=firing_id)
    except IntegrityError:
        logger.info("reminder for member %s, firing %s already sent", member_id, firing_id)
        return
    log = ReminderLog.objects.select_related("member__user", "firing__kiln").get(pk=log.pk)
    body = render_to_string("studio/email/firing_reminder.txt", {"member": log.member, "firing": log.firing})
    try:
        send_mail(  # ok: REL003
            subject=f"Your work goes in {log.firing.kiln.name} today",
            message=body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[log.member.user.email],
        )
    except SMTPException as exc:
        log.delete()
        logger.warning("reminder to member %s for firing %s failed, retrying", member_id, firing_id, exc_info=True)
        raise self.retry(exc=exc)
    logger.info("reminder sent to member %s for firing %s", member_id, firing_id)
