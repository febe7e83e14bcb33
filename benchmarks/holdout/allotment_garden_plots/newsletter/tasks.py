"""Monthly newsletter to every member who has opted in."""
import logging
import smtplib
from email.message import EmailMessage

from celery import shared_task
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from garden.models import Member, NewsletterIssue

log = logging.getLogger(__name__)

SITE_URL = "https://example-allotments.org.uk"


def _message(issue, member):
    message = EmailMessage()
    message["From"] = settings.DEFAULT_FROM_EMAIL
    message["To"] = member.user.email
    message["Subject"] = issue.subject
    message["List-Unsubscribe"] = f"<{SITE_URL}{reverse('newsletter-unsubscribe')}>"
    message.set_content(issue.body_text)
    message.add_alternative(issue.body_html, subtype="html")
    return message


@shared_task
def send_newsletter(issue_id):
    """Send one issue to all opted-in members; a second call for the same issue does nothing."""
    claimed = (NewsletterIssue.objects
               .filter(pk=issue_id, sent_at__isnull=True, sending_started_at__isnull=True)
               .update(sending_started_at=timezone.now()))
    if not claimed:
        log.info("newsletter %s already sent or sending", issue_id)
        return 0
    issue = NewsletterIssue.objects.get(pk=issue_id)
    recipients = (Member.objects
                  .filter(newsletter_opt_in=True, user__is_active=True)
                  .select_related("user")
                  .order_by("pk"))

    server = smtplib.SMTP(settings.EMAIL_HOST, settings.EMAIL_PORT)  # expect: REL001, RES001
    server.starttls()
    server.login(settings.EMAIL_HOST_USER, settings.EMAIL_HOST_PASSWORD)
    sent = 0
    for member in recipients.iterator(chunk_size=500):
        try:
            server.send_message(_message(issue, member))
            sent += 1
        except Exception:  # expect: ERR001
            continue
    server.quit()

    issue.sent_at = timezone.now()
    issue.save(update_fields=["sent_at"])
    log.info("newsletter %s sent to %s members", issue.pk, sent)
    return sent


@shared_task
def send_test_copy(issue_id, to_addr):
    """Committee preview before the real send."""
    issue = NewsletterIssue.objects.get(pk=issue_id)
    message = EmailMessage()
    message["From"] = settings.DEFAULT_FROM_EMAIL
    message["To"] = to_addr
    message["Subject"] = f"[PREVIEW] {issue.subject}"
    message.set_content(issue.body_text)
    message.add_alternative(issue.body_html, subtype="html")
    with smtplib.SMTP(settings.EMAIL_HOST, settings.EMAIL_PORT, timeout=settings.EMAIL_TIMEOUT) as smtp:
        smtp.starttls()
        smtp.login(settings.EMAIL_HOST_USER, settings.EMAIL_HOST_PASSWORD)
        smtp.send_message(message)
    log.info("preview of newsletter %s sent", issue.pk)
