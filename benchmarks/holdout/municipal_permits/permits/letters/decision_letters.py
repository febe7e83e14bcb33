"""Nightly batch: build decision letters from the clerk-managed template and e-mail them."""
import logging
import os
import smtplib
import ssl
import subprocess
import tempfile
from email.message import EmailMessage

import boto3
import yaml
from celery import shared_task
from django.conf import settings
from django.utils import timezone

from permits.models import PermitApplication

logger = logging.getLogger(__name__)

_s3 = boto3.client("s3", region_name=settings.AWS_REGION)
TEMPLATES_KEY = "templates/decision_letters.yaml"


def _load_templates() -> dict:
    obj = _s3.get_object(Bucket=settings.LETTERS_BUCKET, Key=TEMPLATES_KEY)
    return yaml.load(obj["Body"].read(), Loader=yaml.Loader)  # expect: SEC004


def _letter_html(application: PermitApplication, template: dict) -> str:
    applicant = application.applicant
    return template["html"].format(  # expect: SEC016
        reference=application.reference,
        name=applicant.get_full_name(),
        address=application.site_address,
        description=application.description,
        conditions=application.conditions.replace("\n", "<br>"),
        decided_on=timezone.localdate(application.decided_at).strftime("%d %B %Y"),
    )


def _html_to_pdf(html: str, workdir: str, filename: str) -> str:
    html_path = os.path.join(workdir, f"{filename}.html")
    pdf_path = os.path.join(workdir, f"{filename}.pdf")
    with open(html_path, "w", encoding="utf-8") as fh:
        fh.write(html)
    subprocess.run(f"wkhtmltopdf --quiet {html_path} {pdf_path}", shell=True, check=True)  # expect: SEC002
    return pdf_path


@shared_task(bind=True, autoretry_for=(smtplib.SMTPException, OSError), retry_backoff=True, max_retries=4)
def send_decision_letters(self) -> int:
    templates = _load_templates()
    decided = PermitApplication.objects.filter(
        status__in=[PermitApplication.Status.APPROVED, PermitApplication.Status.REJECTED],
        letter_sent_at__isnull=True,
    ).select_related("applicant")

    sent_ids = []
    with tempfile.TemporaryDirectory() as workdir, \
            smtplib.SMTP(settings.EMAIL_HOST, settings.EMAIL_PORT, timeout=settings.EMAIL_TIMEOUT) as smtp:
        smtp.starttls(context=ssl.create_default_context())
        smtp.login(settings.EMAIL_HOST_USER, settings.EMAIL_HOST_PASSWORD)
        for application in decided.iterator(chunk_size=200):
            filename = f"{application.reference}-{application.applicant.last_name}"
            pdf_path = _html_to_pdf(_letter_html(application, templates[application.status]),
                                    workdir, filename)
            _s3.upload_file(pdf_path, settings.LETTERS_BUCKET, f"letters/{application.reference}.pdf")

            msg = EmailMessage()
            msg["From"] = settings.DEFAULT_FROM_EMAIL
            msg["To"] = application.applicant.email
            msg["Subject"] = f"Decision on permit application {application.reference}"
            msg.set_content(templates["email_body"].format(first_name=application.applicant.first_name))
            with open(pdf_path, "rb") as fh:
                msg.add_attachment(fh.read(), maintype="application", subtype="pdf",
                                   filename=f"{application.reference}.pdf")
            smtp.send_message(msg)  # expect: REL003
            sent_ids.append(application.pk)

    PermitApplication.objects.filter(pk__in=sent_ids).update(letter_sent_at=timezone.now())
    logger.info("sent %s decision letters", len(sent_ids))
    return len(sent_ids)
