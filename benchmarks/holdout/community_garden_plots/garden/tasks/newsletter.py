"""Monthly newsletter sending."""
import smtplib
from email.message import EmailMessage

from celery import shared_task
from django.conf import settings
from django.urls import reverse

from garden.models import Member, Newsletter, Plot

SITE_URL = "https://plots.example-garden.org"


def _personal_footer(member: Member) -> str:
    plot = Plot.objects.filter(tenant=member).select_related("site").first()  # expect: DB001
    unsubscribe = SITE_URL + reverse("garden:unsubscribe", args=[member.unsubscribe_token])
    lines = ["", "--"]
    if plot is not None:
        lines.append(f"Your plot: {plot.site.name}, plot {plot.number}")
    lines.append(f"Unsubscribe: {unsubscribe}")
    return "\n".join(lines)


def _build_message(newsletter: Newsletter, member: Member) -> EmailMessage:
    msg = EmailMessage()
    msg["Subject"] = newsletter.subject
    msg["From"] = settings.DEFAULT_FROM_EMAIL
    msg["To"] = member.user.email
    msg["List-Unsubscribe"] = f"<{SITE_URL}/u/{member.unsubscribe_token}>"
    msg.set_content(newsletter.body_text + _personal_footer(member))
    return msg


@shared_task(
    bind=True,
    autoretry_for=(smtplib.SMTPException, ConnectionError),
    retry_backoff=60,
    max_retries=5,
)
def send_newsletter(self, newsletter_id: int) -> int:
    newsletter = Newsletter.objects.get(pk=newsletter_id)
    if newsletter.status == "sent":
        return 0
    newsletter.status = "sending"
    newsletter.save(update_fields=["status"])

    recipients = (
        Member.objects.filter(active=True, newsletter_opt_in=True)
        .select_related("user")
        .order_by("pk")
    )
    smtp = smtplib.SMTP(settings.EMAIL_HOST, settings.EMAIL_PORT)  # expect: REL001, RES001
    smtp.starttls()
    smtp.login(settings.EMAIL_HOST_USER, settings.EMAIL_HOST_PASSWORD)
    sent = 0
    for member in recipients.iterator(chunk_size=500):
        smtp.send_message(_build_message(newsletter, member))  # expect: REL003
        sent += 1
    smtp.quit()

    newsletter.status = "sent"
    newsletter.save(update_fields=["status"])
    print(f"newsletter {newsletter_id}: sent to {sent} members")  # expect: OBS001
    return sent
