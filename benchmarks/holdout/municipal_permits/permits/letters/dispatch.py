"""Per-application decision letters: render, convert, store, e-mail exactly once."""
import logging
import smtplib
import ssl
import subprocess
import tempfile
from email.message import EmailMessage
from pathlib import Path

import boto3
import yaml
from celery import shared_task
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from permits.models import DecisionLetter, PermitApplication

logger = logging.getLogger(__name__)

_s3 = boto3.client("s3", region_name=settings.AWS_REGION)
LETTER_SETTINGS = yaml.safe_load(  # ok: SEC004
    (Path(__file__).with_name("letter_settings.yaml")).read_text(encoding="utf-8")
)


def send_plain_email(*, to: str, subject: str, body: str, message_id: str,
                     attachment: tuple[str, bytes] | None = None) -> None:
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"], msg["Message-ID"] = (
        settings.DEFAULT_FROM_EMAIL, to, subject, message_id)
    msg.set_content(body)
    if attachment:
        msg.add_attachment(attachment[1], maintype="application", subtype="pdf", filename=attachment[0])
    with smtplib.SMTP(settings.EMAIL_HOST, settings.EMAIL_PORT, timeout=settings.EMAIL_TIMEOUT) as smtp:
        smtp.starttls(context=ssl.create_default_context())
        smtp.login(settings.EMAIL_HOST_USER, settings.EMAIL_HOST_PASSWORD)
        smtp.send_message(msg)


def _render_pdf(application: PermitApplication) -> bytes:
    html = render_to_string("permits/letters/decision.html", {  # ok: SEC016
        "application": application,
        "signatory": LETTER_SETTINGS["signatory"],
    })
    with tempfile.TemporaryDirectory() as workdir:
        source, target = Path(workdir) / "letter.html", Path(workdir) / "letter.pdf"
        source.write_text(html, encoding="utf-8")
        subprocess.run(["wkhtmltopdf", "--quiet", "--disable-local-file-access", str(source), str(target)],
                       check=True, timeout=60)
        return target.read_bytes()


@shared_task(bind=True, autoretry_for=(smtplib.SMTPException, OSError), retry_backoff=True, max_retries=4)
def send_decision_letter(self, application_id: int) -> None:
    application = PermitApplication.objects.select_related("applicant").get(pk=application_id)
    letter, _ = DecisionLetter.objects.get_or_create(application=application)
    if letter.emailed_at is not None:
        return
    pdf = _render_pdf(application)
    if not letter.s3_key:
        letter.s3_key = f"letters/{application.reference}.pdf"
        _s3.put_object(Bucket=settings.LETTERS_BUCKET, Key=letter.s3_key, Body=pdf,
                       ContentType="application/pdf", ServerSideEncryption="aws:kms")
        letter.save(update_fields=["s3_key"])
    send_plain_email(
        to=application.applicant.email,
        subject=f"Decision on permit application {application.reference}",
        body=LETTER_SETTINGS["email_body"].format(first_name=application.applicant.first_name),
        message_id=f"<decision-{application.reference}@permits.cityofbrookvale.gov>",
        attachment=(f"{application.reference}.pdf", pdf),
    )
    DecisionLetter.objects.filter(pk=letter.pk, emailed_at__isnull=True).update(emailed_at=timezone.now())
    PermitApplication.objects.filter(pk=application.pk).update(letter_sent_at=timezone.now())


@shared_task
def queue_pending_letters() -> int:
    pending = PermitApplication.objects.filter(
        status__in=[PermitApplication.Status.APPROVED, PermitApplication.Status.REJECTED],
        letter_sent_at__isnull=True,
    ).values_list("pk", flat=True)
    count = 0
    for application_id in pending.iterator(chunk_size=500):
        send_decision_letter.delay(application_id)
        count += 1
    logger.info("queued %s decision letters", count)
    return count
