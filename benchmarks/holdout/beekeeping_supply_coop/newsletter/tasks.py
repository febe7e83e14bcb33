"""Monthly co-op newsletter: swarm season notes, extractor rota, honey show dates."""
import logging
from datetime import timedelta
from smtplib import SMTPException, SMTPRecipientsRefused

from celery import shared_task
from django.core.mail import EmailMultiAlternatives, get_connection
from django.template.loader import render_to_string
from django.utils import timezone

from members.models import Member
from newsletter.models import Issue
from newsletter.provider import fetch_bounces
from newsletter.tokens import unsubscribe_token

logger = logging.getLogger(__name__)


def _render(issue, member):
    context = {
        "issue": issue,
        "first_name": member.first_name,
        "unsubscribe_token": unsubscribe_token(member.pk),
    }
    html = render_to_string("newsletter/issue.html", context)
    text = render_to_string("newsletter/issue.txt", context)
    return text, html


@shared_task(bind=True, autoretry_for=(SMTPException,), retry_backoff=True, max_retries=3)
def send_issue(self, issue_id):
    issue = Issue.objects.get(pk=issue_id)
    recipients = (
        Member.objects.filter(newsletter_opt_in=True, is_active=True)
        .only("pk", "email", "first_name")
        .order_by("pk")
        .iterator(chunk_size=500)
    )
    sent = refused = 0
    with get_connection() as connection:
        for member in recipients:
            text, html = _render(issue, member)
            message = EmailMultiAlternatives(
                subject=issue.subject,
                body=text,
                to=[member.email],
                connection=connection,
                headers={"List-Unsubscribe": f"<https://shop.hiveandharvest.coop/newsletter/u/{unsubscribe_token(member.pk)}>"},
            )
            message.attach_alternative(html, "text/html")
            try:
                message.send()  # expect: REL003
                sent += 1
            except SMTPRecipientsRefused:
                refused += 1
                logger.warning("issue %s refused for member %s", issue.pk, member.pk)

    Issue.objects.filter(pk=issue.pk).update(sent_count=sent, refused_count=refused, sent_at=timezone.now())
    logger.info("issue %s sent to %d members (%d refused)", issue.pk, sent, refused)
    return sent


@shared_task
def sync_bounces():
    """Pull hard bounces from the mail provider and opt those members out."""
    since = timezone.now() - timedelta(days=1)
    opted_out = 0
    for event in fetch_bounces(since=since):
        if event.get("type") != "HardBounce":
            continue
        try:
            opted_out += Member.objects.filter(email=event["recipient"].strip().lower()).update(newsletter_opt_in=False)
        except Exception:  # expect: ERR001
            continue
    logger.info("bounce sync opted out %d members", opted_out)
    return opted_out
