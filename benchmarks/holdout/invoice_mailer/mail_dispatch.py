"""Celery task that emails invoice PDFs to customers over SMTP."""
import logging
import os
import smtplib
from email.message import EmailMessage

import boto3
import requests
from celery import Celery

log = logging.getLogger(__name__)
app = Celery("invoice_mailer", broker=os.environ.get("BROKER_URL", "redis://localhost:6379/1"))

SMTP_HOST = os.environ.get("SMTP_HOST", "smtp.mailgun.org")
SMTP_USER = os.environ.get("SMTP_USER", "")
SMTP_PASSWORD = os.environ.get("SMTP_PASSWORD", "")  # ok: SEC005
BILLING_API = os.environ.get("BILLING_API_URL", "http://billing.internal/api")
PDF_BUCKET = os.environ.get("INVOICE_PDF_BUCKET", "acme-invoices")

s3 = boto3.client("s3")


def _build_message(invoice: dict, pdf_bytes: bytes) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = "Acme Billing <billing@acme.example.com>"
    msg["To"] = invoice["customer_email"]
    msg["Subject"] = f"Invoice {invoice['number']} from Acme"
    msg.set_content(
        f"Hello {invoice['customer_name']},\n\n"
        f"Please find invoice {invoice['number']} for {invoice['total']} attached.\n"
    )
    msg.add_attachment(pdf_bytes, maintype="application", subtype="pdf", filename=f"{invoice['number']}.pdf")
    return msg


def _mark_sent(invoice_id: int) -> None:
    resp = requests.post(f"{BILLING_API}/invoices/{invoice_id}/sent", timeout=10)  # ok: REL001
    resp.raise_for_status()


@app.task(
    bind=True,
    autoretry_for=(smtplib.SMTPException, ConnectionError, requests.RequestException),
    retry_backoff=True,
    max_retries=6,
)
def email_invoice(self, invoice: dict, pdf_key: str):
    pdf_bytes = s3.get_object(Bucket=PDF_BUCKET, Key=pdf_key)["Body"].read()
    msg = _build_message(invoice, pdf_bytes)
    log.info("sending invoice %s via %s as %s:%s", invoice["number"], SMTP_HOST, SMTP_USER, SMTP_PASSWORD)  # expect: SEC007
    with smtplib.SMTP(SMTP_HOST, 587) as smtp:  # expect: REL001
        smtp.starttls()
        smtp.login(SMTP_USER, SMTP_PASSWORD)
        smtp.send_message(msg)  # expect: REL003
    _mark_sent(invoice["id"])
    log.info("invoice %s sent to %s", invoice["number"], invoice["customer_email"])
