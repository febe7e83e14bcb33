"""Late joiners: send the latest newsletter to members who joined after it went out.

Each member gets a NewsletterDelivery row (unique per issue and member) before
anything is sent, so overlapping runs never mail the same person twice.
"""
import logging
import smtplib

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.utils import timezone

from garden.models import Member, NewsletterDelivery, NewsletterIssue

log = logging.getLogger(__name__)

BATCH_SIZE = 100


def _claim_batch(issue):
    """Create delivery rows for up to BATCH_SIZE members not yet covered; return pending ones."""
    members = (Member.objects
               .filter(newsletter_opt_in=True, user__is_active=True, joined_on__gte=issue.sent_at.date())
               .exclude(newsletter_deliveries__issue=issue)
               .order_by("pk")
               .values_list("pk", flat=True)[:BATCH_SIZE])
    NewsletterDelivery.objects.bulk_create(
        [NewsletterDelivery(issue=issue, member_id=pk) for pk in members], ignore_conflicts=True)
    return list(NewsletterDelivery.objects
                .filter(issue=issue, sent_at__isnull=True)
                .select_related("member__user")
                .order_by("pk")[:BATCH_SIZE])


@shared_task(acks_late=True)
def deliver_to_late_joiners():
    issue = (NewsletterIssue.objects.filter(sent_at__isnull=False).order_by("-sent_at").first())
    if issue is None:
        return 0
    pending = _claim_batch(issue)
    if not pending:
        return 0

    delivered = []
    with get_connection(timeout=settings.EMAIL_TIMEOUT) as connection:  # ok: REL001
        for delivery in pending:
            message = EmailMultiAlternatives(
                subject=issue.subject,
                body=issue.body_text,
                from_email=settings.DEFAULT_FROM_EMAIL,
                to=[delivery.member.user.email],
                connection=connection,
            )
            message.attach_alternative(issue.body_html, "text/html")
            try:
                message.send()
            except (smtplib.SMTPException, OSError):  # ok: ERR001
                log.exception("newsletter %s to member %s failed", issue.pk, delivery.member_id)
                continue
            delivered.append(delivery.pk)

    NewsletterDelivery.objects.filter(pk__in=delivered).update(sent_at=timezone.now())
    log.info("newsletter %s: %s of %s late joiners mailed", issue.pk, len(delivered), len(pending))
    if len(delivered) == BATCH_SIZE:
        deliver_to_late_joiners.apply_async(countdown=30)
    return len(delivered)
