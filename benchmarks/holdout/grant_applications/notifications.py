"""E-mail composition and delivery for applicants."""
from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from .models import Application

logger = logging.getLogger(__name__)


def notify_submission(application: Application) -> None:
    from .tasks import send_submission_receipt

    transaction.on_commit(lambda: send_submission_receipt.delay(application.pk))  # ok: REL004


def queue_decision_email(application_id: int) -> None:
    from .tasks import send_decision_email

    send_decision_email.delay(application_id)


def build_submission_receipt(application: Application) -> EmailMessage:
    body = render_to_string(
        "grants/email/submission_receipt.txt",
        {"application": application, "round": application.grant_round},
    )
    return EmailMessage(
        subject=f"We received your application: {application.title}",
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[application.applicant.email],
        headers={"X-Grants-Application": str(application.pk)},
    )


def build_decision_message(application: Application) -> EmailMessage:
    template = (
        "grants/email/funded.txt"
        if application.status == Application.Status.FUNDED
        else "grants/email/declined.txt"
    )
    body = render_to_string(template, {"application": application, "round": application.grant_round})
    return EmailMessage(
        subject=f"Decision on your application to {application.grant_round.name}",
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[application.applicant.email],
        headers={"Message-ID": f"<decision-{application.pk}@grants.example.org>"},
    )


def deliver_submission_receipt(application_id: int) -> None:
    application = Application.objects.select_related("applicant", "grant_round").get(pk=application_id)
    build_submission_receipt(application).send(fail_silently=False)
    logger.info("submission receipt sent application=%s", application_id)


def deliver_decision(application_id: int) -> bool:
    """Send the decision e-mail at most once per application.

    The row is claimed with a conditional update before sending; if sending
    fails the claim is released so that a retry can pick it up again.
    """
    claimed = Application.objects.filter(
        pk=application_id,
        decision_notified_at__isnull=True,
        status__in=[Application.Status.FUNDED, Application.Status.DECLINED],
    ).update(decision_notified_at=timezone.now())  # ok: DB005
    if not claimed:
        logger.info("decision e-mail already sent or not ready application=%s", application_id)
        return False

    application = Application.objects.select_related("applicant", "grant_round").get(pk=application_id)
    try:
        build_decision_message(application).send(fail_silently=False)  # ok: REL003
    except Exception:
        Application.objects.filter(pk=application_id).update(decision_notified_at=None)
        logger.exception("decision e-mail failed application=%s", application_id)
        raise
    logger.info("decision e-mail sent application=%s", application_id)
    return True
