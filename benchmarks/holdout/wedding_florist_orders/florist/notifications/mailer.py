"""Outbound e-mail over SMTP with STARTTLS, used by the web app and the scheduler."""

from __future__ import annotations

import logging
import smtplib
import ssl
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import make_msgid

logger = logging.getLogger(__name__)

SMTP_TIMEOUT_SECONDS = 15


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    maintype: str = "application"
    subtype: str = "octet-stream"


def build_message(
    sender: str, to: list[str], subject: str, body: str, attachments: Iterable[Attachment] = ()
) -> EmailMessage:
    msg = EmailMessage()
    msg["Subject"] = subject
    msg["From"] = sender
    msg["To"] = ", ".join(to)
    msg["Message-ID"] = make_msgid(domain=sender.split("@")[-1])
    msg.set_content(body)
    for item in attachments:
        msg.add_attachment(item.content, maintype=item.maintype, subtype=item.subtype, filename=item.filename)
    return msg


def send_message(config: Mapping, msg: EmailMessage) -> str:
    """Deliver ``msg`` and return its Message-ID. Raises smtplib.SMTPException on failure."""
    context = ssl.create_default_context()
    with smtplib.SMTP(config["SMTP_HOST"], config["SMTP_PORT"], timeout=SMTP_TIMEOUT_SECONDS) as smtp:  # ok: REL001, RES001
        smtp.ehlo()
        smtp.starttls(context=context)
        smtp.ehlo()
        if config.get("SMTP_USER"):
            smtp.login(config["SMTP_USER"], config["SMTP_PASSWORD"])
        smtp.send_message(msg)
    logger.info("mail %s sent to %d recipients", msg["Message-ID"], len(msg["To"].split(",")))
    return msg["Message-ID"]


def send_mail(
    config: Mapping, to: list[str], subject: str, body: str, attachments: Iterable[Attachment] = ()
) -> str | None:
    """Convenience wrapper for one-off messages from request handlers."""
    recipients = [addr for addr in to if addr]
    if not recipients:
        logger.warning("mail %r has no recipients, not sent", subject)
        return None
    msg = build_message(config["MAIL_FROM"], recipients, subject, body, attachments)
    return send_message(config, msg)
