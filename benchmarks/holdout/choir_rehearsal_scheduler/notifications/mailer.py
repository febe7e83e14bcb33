"""Thin SMTP helper: builds messages and sends a batch over one connection."""
import logging
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import make_msgid

from django.conf import settings

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Outgoing:
    to: str
    subject: str
    text: str
    html: str | None = None
    reply_to: str | None = None
    dedup_ref: str | None = None


def build(message: Outgoing) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = settings.DEFAULT_FROM_EMAIL
    msg["To"] = message.to
    msg["Subject"] = message.subject
    msg["Message-ID"] = make_msgid(idstring=message.dedup_ref, domain="stcecilia-singers.org.uk")
    if message.reply_to:
        msg["Reply-To"] = message.reply_to
    msg.set_content(message.text)
    if message.html:
        msg.add_alternative(message.html, subtype="html")
    return msg


def send_batch(messages: list[Outgoing], on_sent=None) -> int:
    """Send messages over one SMTP session; on_sent(message) runs after each success.

    Raises smtplib.SMTPException / OSError on connection-level failures so the
    calling task can retry; per-recipient refusals are logged and skipped.
    """
    if not messages:
        return 0
    sent = 0
    context = ssl.create_default_context()
    with smtplib.SMTP(settings.EMAIL_HOST, settings.EMAIL_PORT, timeout=settings.EMAIL_TIMEOUT) as smtp:  # ok: REL001, RES001
        smtp.starttls(context=context)
        smtp.login(settings.EMAIL_HOST_USER, settings.EMAIL_HOST_PASSWORD)
        for message in messages:
            try:
                smtp.send_message(build(message))
            except smtplib.SMTPRecipientsRefused:
                logger.warning("recipient refused for ref %s", message.dedup_ref)
                continue
            sent += 1
            if on_sent is not None:
                on_sent(message)
    return sent
