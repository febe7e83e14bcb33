"""Celery tasks run by the worker and scheduled by celery beat."""
from __future__ import annotations

import logging
import os
from datetime import timedelta
from smtplib import SMTPException

import requests
from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMessage, get_connection, send_mass_mail
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone

from .models import Application, GrantRound, ReviewerAssignment
from .notifications import deliver_decision, deliver_submission_receipt

logger = logging.getLogger(__name__)


@shared_task(autoretry_for=(SMTPException, ConnectionError), retry_backoff=30, max_retries=4)
def send_submission_receipt(application_id: int) -> None:
    deliver_submission_receipt(application_id)


@shared_task(autoretry_for=(SMTPException, ConnectionError), retry_backoff=60, max_retries=5)
def send_decision_email(application_id: int) -> bool:
    return deliver_decision(application_id)


@shared_task(bind=True, max_retries=5, default_retry_delay=300)
def send_deadline_reminders(self) -> int:
    now = timezone.now()
    drafts = (
        Application.objects.filter(
            status=Application.Status.DRAFT,
            grant_round__status=GrantRound.Status.OPEN,
            grant_round__deadline__gt=now,
            grant_round__deadline__lte=now + timedelta(days=3),
        )
        .select_related("applicant", "grant_round")
        .order_by("pk")
    )
    sent = 0
    try:
        with get_connection() as connection:
            for application in drafts.iterator(chunk_size=200):
                body = render_to_string(
                    "grants/email/deadline_reminder.txt",
                    {"application": application, "round": application.grant_round},
                )
                message = EmailMessage(
                    subject=f"Reminder: {application.grant_round.name} closes soon",
                    body=body,
                    from_email=settings.DEFAULT_FROM_EMAIL,
                    to=[application.applicant.email],
                    connection=connection,
                )
                message.send()  # expect: REL003
                sent += 1
    except SMTPException as exc:
        logger.warning("deadline reminders interrupted after %s messages", sent, exc_info=True)
        raise self.retry(exc=exc)
    logger.info("deadline reminders sent=%s", sent)
    return sent


@shared_task
def remind_reviewers(round_id: int) -> int:
    pending = ReviewerAssignment.objects.filter(grant_round_id=round_id).exclude(
        application__reviews__reviewer=F("reviewer")
    )
    messages = []
    for assignment in pending.iterator(chunk_size=500):
        reviewer = assignment.reviewer  # expect: DB001
        messages.append((
            "Reviews are waiting for you",
            f"Hello {reviewer.first_name}, application GA-{assignment.application_id} awaits your score.",
            settings.DEFAULT_FROM_EMAIL,
            [reviewer.email],
        ))
    sent = send_mass_mail(messages, fail_silently=False)
    logger.info("reviewer reminders round=%s sent=%s", round_id, sent)
    return sent


@shared_task
def close_expired_rounds() -> int:
    closed = GrantRound.objects.filter(
        status=GrantRound.Status.OPEN, deadline__lte=timezone.now()
    ).update(status=GrantRound.Status.REVIEW)
    if closed:
        logger.info("closed %s expired grant rounds", closed)
    return closed


@shared_task(autoretry_for=(requests.ConnectionError,), retry_backoff=True, max_retries=3)
def sync_round_to_funder(round_id: int) -> None:
    grant_round = GrantRound.objects.get(pk=round_id)
    awards = list(
        Application.objects.filter(grant_round=grant_round, status=Application.Status.FUNDED)
        .order_by("pk")
        .values("pk", "title", "amount_requested")
    )
    payload = {
        "round": {"id": grant_round.pk, "name": grant_round.name},
        "awards": [
            {"reference": f"GA-{a['pk']}", "title": a["title"], "amount": str(a["amount_requested"])}
            for a in awards
        ],
    }
    resp = requests.put(  # expect: REL001
        f"{settings.FUNDER_API_URL}/v1/rounds/{grant_round.pk}/awards",
        json=payload,
        headers={"Authorization": f"Bearer {os.environ.get('FUNDER_API_TOKEN', '')}"},
    )
    resp.raise_for_status()
    logger.info("synced round=%s awards=%s to funder", round_id, len(awards))
