"""Rehearsal reminder e-mails, sent the evening before each rehearsal."""
import logging
import smtplib
from datetime import timedelta
from email.message import EmailMessage

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from rehearsals.models import Rehearsal

logger = logging.getLogger(__name__)


def _reminder(rehearsal: Rehearsal, to: str, name: str) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = settings.DEFAULT_FROM_EMAIL
    msg["To"] = to
    msg["Subject"] = f"Rehearsal tomorrow: {rehearsal.title or rehearsal.starts_at:%A %d %B}"
    local = timezone.localtime(rehearsal.starts_at)
    msg.set_content(
        f"Hi {name},\n\n"
        f"Reminder: rehearsal at {local:%H:%M} on {local:%A %d %B} at {rehearsal.venue.name}.\n"
        f"{rehearsal.notes}\n\n"
        "Can't make it? Update your RSVP in the app so your section leader knows.\n"
    )
    return msg


@shared_task
def queue_upcoming_reminders():
    now = timezone.now()
    due = Rehearsal.objects.filter(
        starts_at__range=(now + timedelta(hours=12), now + timedelta(hours=36)),
        reminder_sent_at__isnull=True,
    ).values_list("id", flat=True)
    for rehearsal_id in due:
        send_rehearsal_reminders.delay(rehearsal_id)
    return len(due)


@shared_task(
    bind=True,
    autoretry_for=(smtplib.SMTPException, OSError),
    retry_backoff=True,
    max_retries=None,  # expect: REL002
)
def send_rehearsal_reminders(self, rehearsal_id):
    rehearsal = Rehearsal.objects.select_related("venue").get(pk=rehearsal_id)
    rsvps = rehearsal.attendances.exclude(status="no")

    smtp = smtplib.SMTP(settings.EMAIL_HOST, settings.EMAIL_PORT)  # expect: REL001, RES001
    smtp.starttls()
    smtp.login(settings.EMAIL_HOST_USER, settings.EMAIL_HOST_PASSWORD)
    sent = 0
    for rsvp in rsvps:
        member = rsvp.member  # expect: DB001
        if not member.active or not member.email_opt_in:
            continue
        smtp.send_message(_reminder(rehearsal, member.email, member.display_name))  # expect: REL003
        sent += 1
    smtp.quit()

    Rehearsal.objects.filter(pk=rehearsal_id).update(reminder_sent_at=timezone.now())
    logger.info(
        "sent %d reminders for rehearsal %s (task %s, try %s)",
        sent,
        rehearsal_id,
        self.request.id,
        self.request.retries,
    )
    return sent
