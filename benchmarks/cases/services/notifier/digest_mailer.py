"""Celery task that sends the weekly activity digest email through the SMTP relay."""
import logging
import os
import smtplib
from datetime import datetime, timezone
from email.message import EmailMessage
from email.utils import make_msgid

from celery import shared_task
from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy import update

from .db import SessionLocal
from .models import Digest

logger = logging.getLogger(__name__)

SMTP_HOST = os.environ.get("SMTP_HOST", "smtp.internal")
SMTP_PORT = int(os.environ.get("SMTP_PORT", "587"))
SMTP_USER = os.environ.get("SMTP_USER", "notifier")
SMTP_TIMEOUT = float(os.environ.get("SMTP_TIMEOUT", "15"))
SENDER = os.environ.get("MAIL_FROM", "Acme <digest@acme.example>")

templates = Environment(loader=FileSystemLoader("templates/email"), autoescape=select_autoescape(["html"]))


def build_digest(digest) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = SENDER
    msg["To"] = digest.recipient
    msg["Subject"] = f"Your week at Acme ({digest.week_start:%b %d})"
    msg["Message-ID"] = digest.message_id
    msg.set_content(templates.get_template("digest.txt").render(**digest.context))
    msg.add_alternative(templates.get_template("digest.html").render(**digest.context), subtype="html")
    return msg


@shared_task(
    bind=True,
    name="notifier.send_digest",
    autoretry_for=(smtplib.SMTPConnectError, smtplib.SMTPServerDisconnected, TimeoutError),
    retry_backoff=True,
    max_retries=4,
)
def send_digest(self, digest_id: int):
    claimable = ("queued",) if self.request.retries == 0 else ("queued", "sending")
    with SessionLocal() as session:
        claimed = session.execute(
            update(Digest)
            .where(Digest.id == digest_id, Digest.state.in_(claimable))
            .values(state="sending", message_id=make_msgid(domain="acme.example"))
            .returning(Digest.id)
        ).first()
        session.commit()
        if claimed is None:
            return "skipped"

        digest = session.get(Digest, digest_id)
        msg = build_digest(digest)
        with smtplib.SMTP(SMTP_HOST, SMTP_PORT, timeout=SMTP_TIMEOUT) as smtp:  # ok: REL001, RES001
            smtp.starttls()
            smtp.login(SMTP_USER, os.environ.get("SMTP_PASSWORD", ""))
            smtp.send_message(msg)  # ok: REL003

        digest.state = "sent"
        digest.sent_at = datetime.now(timezone.utc)
        session.commit()
    logger.info("digest %s sent", digest_id)
    return "sent"
