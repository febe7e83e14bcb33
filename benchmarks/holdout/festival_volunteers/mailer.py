"""Confirmation and roster e-mails over SMTP."""
from __future__ import annotations

import asyncio
import logging
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import make_msgid

from .config import get_settings

logger = logging.getLogger(__name__)

SMTP_TIMEOUT_SECONDS = 10


def build_message(to: str, subject: str, body: str, *, message_id: str | None = None) -> EmailMessage:
    settings = get_settings()
    msg = EmailMessage()
    msg["From"] = settings.mail_from
    msg["To"] = to
    msg["Subject"] = subject
    msg["Message-ID"] = message_id or make_msgid(domain=settings.mail_from.rsplit("@", 1)[-1])
    msg.set_content(body)
    return msg


def send_email(to: str, subject: str, body: str, *, message_id: str | None = None) -> None:
    """Send one message synchronously.

    This blocks for the whole SMTP conversation; async code should use
    :func:`send_email_async`.
    """
    settings = get_settings()
    msg = build_message(to, subject, body, message_id=message_id)
    context = ssl.create_default_context()
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=SMTP_TIMEOUT_SECONDS) as smtp:  # ok: REL001
        smtp.starttls(context=context)
        if settings.smtp_user:
            smtp.login(settings.smtp_user, settings.smtp_password)
        smtp.send_message(msg)
    logger.info(
        "email sent",
        extra={"recipient_domain": to.rsplit("@", 1)[-1], "message_id": msg["Message-ID"]},
    )


async def send_email_async(to: str, subject: str, body: str, *, message_id: str | None = None) -> None:
    await asyncio.to_thread(send_email, to, subject, body, message_id=message_id)  # ok: CON001


def shift_confirmation_body(full_name: str, title: str, starts_at_local: str, area: str) -> str:
    return (
        f"Hi {full_name},\n\n"
        f"You're confirmed for '{title}' in the {area} area, starting {starts_at_local}.\n"
        "Please arrive 15 minutes early and bring your badge to the crew gate.\n\n"
        "Thanks for helping out!\nThe crew office"
    )
