import logging
import smtplib
from email.utils import make_msgid

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import timezone

from cfp.models import Submission

logger = logging.getLogger(__name__)

DECISION_TEMPLATES = {
    "accepted": ("Your talk was accepted to {name}", "cfp/email/accepted.txt"),
    "rejected": ("Your submission to {name}", "cfp/email/rejected.txt"),
}


@shared_task
def queue_decision_emails(conference_id: int) -> int:
    pending = (
        Submission.objects.filter(
            conference_id=conference_id,
            status__in=DECISION_TEMPLATES.keys(),
            decision_email_sent_at__isnull=True,
        )
        .values_list("pk", flat=True)
        .iterator(chunk_size=500)  # ok: DB002
    )
    queued = 0
    for submission_id in pending:
        send_decision_email.delay(submission_id)
        queued += 1
    logger.info("conference %s: queued %d decision emails", conference_id, queued)
    return queued


@shared_task(
    bind=True,
    autoretry_for=(smtplib.SMTPException, ConnectionError),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=6,
)
def send_decision_email(self, submission_id: int) -> str:
    submission = Submission.objects.select_related("speaker", "conference").get(pk=submission_id)
    if submission.decision_email_sent_at is not None:  # ok: REL003
        return "already-sent"
    if submission.status not in DECISION_TEMPLATES:
        return "no-decision"

    subject_fmt, template = DECISION_TEMPLATES[submission.status]
    message = EmailMessage(
        subject=subject_fmt.format(name=submission.conference.name),
        body=render_to_string(template, {"submission": submission, "conference": submission.conference}),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[submission.speaker.email],
        headers={"Message-ID": make_msgid(idstring=f"decision-{submission.pk}", domain="cfp.example.org")},
    )
    message.send(fail_silently=False)
    Submission.objects.filter(pk=submission.pk, decision_email_sent_at__isnull=True).update(
        decision_email_sent_at=timezone.now()
    )
    logger.info("decision email for submission %s sent (task %s)", submission.pk, self.request.id)
    return "sent"
