"""Celery task that sends transactional emails (receipts, password resets) through the SMTP relay."""
import logging
import os
import smtplib
from datetime import datetime, timezone
from email.message import EmailMessage

from celery import shared_task
from jinja2 import Environment, FileSystemLoader, select_autoescape

from .db import SessionLocal
from .models import Notification

logger = logging.getLogger(__name__)

SMTP_HOST = os.environ.get("SMTP_HOST", "smtp.internal")
SMTP_PORT = int(os.environ.get("SMTP_PORT", "587"))
SMTP_USER = os.environ.get("SMTP_USER", "notifier")
SENDER = os.environ.get("MAIL_FROM", "Acme <no-reply@acme.example>")

templates = Environment(loader=FileSystemLoader("templates/email"), autoescape=select_autoescape(["html"]))


def build_message(notification) -> EmailMessage:
    template = templates.get_template(f"{notification.template}.html")
    msg = EmailMessage()
    msg["From"] = SENDER
    msg["To"] = notification.recipient
    msg["Subject"] = notification.subject
    msg.set_content(notification.plain_text or "")
    msg.add_alternative(template.render(**notification.context), subtype="html")
    return msg


@shared_task(
    bind=True,
    name="notifier.send_email",
    autoretry_for=(Exception,),
    retry_backoff=True,
    max_retries=5,
)
def send_email(self, notification_id: int):
    with SessionLocal() as session:
        notification = session.get(Notification, notification_id)
        if notification is None or notification.sent_at is not None:
            return "skipped"

        msg = build_message(notification)
        with smtplib.SMTP(SMTP_HOST, SMTP_PORT) as smtp:  # expect: REL001
            smtp.starttls()
            smtp.login(SMTP_USER, os.environ.get("SMTP_PASSWORD", ""))
            smtp.send_message(msg)  # expect: REL003

        notification.sent_at = datetime.now(timezone.utc)
        notification.attempts = self.request.retries + 1
        session.commit()
    logger.info("notification %s sent to %s", notification_id, notification.recipient)
    return "sent"
