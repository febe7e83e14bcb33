import logging

import requests
from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import timezone

from cfp.models import Conference, Submission, TravelClaim

logger = logging.getLogger(__name__)

DECISION_TEMPLATES = {
    "accepted": ("Your talk was accepted to {name}", "cfp/email/accepted.txt"),
    "rejected": ("Your submission to {name}", "cfp/email/rejected.txt"),
}


@shared_task(bind=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def send_decision_emails(self, conference_id: int) -> int:
    conference = Conference.objects.get(pk=conference_id)
    submissions = (
        Submission.objects.filter(conference=conference, status__in=DECISION_TEMPLATES.keys())
        .select_related("speaker")
        .order_by("pk")
    )
    sent = 0
    for submission in submissions.iterator(chunk_size=200):
        subject_fmt, template = DECISION_TEMPLATES[submission.status]
        body = render_to_string(template, {"submission": submission, "conference": conference})
        send_mail(  # expect: REL003
            subject_fmt.format(name=conference.name),
            body,
            settings.DEFAULT_FROM_EMAIL,
            [submission.speaker.email],
        )
        sent += 1
    conference.decisions_sent_at = timezone.now()
    conference.save(update_fields=["decisions_sent_at"])
    logger.info("conference %s: %d decision emails sent", conference_id, sent)
    return sent


@shared_task(bind=True, autoretry_for=(requests.ConnectionError,), retry_backoff=True, max_retries=4)
def pay_travel_claim(self, claim_id: int) -> str | None:
    claim = TravelClaim.objects.select_related("speaker").get(pk=claim_id)
    if claim.status != "approved":
        logger.info("claim %s is %s, not paying", claim_id, claim.status)
        return None

    resp = requests.post(  # expect: REL001
        f"{settings.PAYOUT_API_URL}/v1/transfers",
        json={
            "destination": claim.payout_account,
            "amount_cents": claim.amount_cents,
            "currency": claim.currency,
            "reference": f"Travel reimbursement #{claim.pk}",
        },
        headers={
            "Authorization": f"Bearer {settings.PAYOUT_API_TOKEN}",
            "Idempotency-Key": f"travel-claim-{claim.pk}",  # ok: REL003
        },
    )
    resp.raise_for_status()
    transfer_id = resp.json()["id"]

    claim.status = "paid"
    claim.transfer_id = transfer_id
    claim.save(update_fields=["status", "transfer_id"])  # expect: REL004
    logger.info("claim %s paid with transfer %s", claim_id, transfer_id)
    return transfer_id
