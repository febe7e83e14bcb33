"""Outgoing email through the club's SMTP relay (aiosmtplib, never blocks the loop)."""
import logging
from email.message import EmailMessage
from email.utils import make_msgid

import aiosmtplib

from app.config import get_settings

logger = logging.getLogger(__name__)

SMTP_TIMEOUT_S = 15


class MailError(Exception):
    """The relay refused or could not be reached; callers decide whether to retry."""


def build_message(to: str, subject: str, body: str, message_key: str | None = None) -> EmailMessage:
    settings = get_settings()
    msg = EmailMessage()
    msg["From"] = settings.mail_from
    msg["To"] = to
    msg["Subject"] = subject
    # A stable Message-ID lets the relay and most clients drop a duplicate send.
    domain = settings.mail_from.split("@", 1)[-1]
    msg["Message-ID"] = f"<{message_key}@{domain}>" if message_key else make_msgid(domain=domain)
    msg.set_content(body)
    return msg


async def send_email(to: str, subject: str, body: str, message_key: str | None = None) -> None:
    settings = get_settings()
    msg = build_message(to, subject, body, message_key)
    try:
        await aiosmtplib.send(
            msg,
            hostname=settings.smtp_host,
            port=settings.smtp_port,
            username=settings.smtp_user or None,
            password=settings.smtp_password.get_secret_value() or None,
            start_tls=settings.smtp_port == 587,
            timeout=SMTP_TIMEOUT_S,
        )
    except (aiosmtplib.SMTPException, OSError) as exc:
        logger.warning("mail to %s failed (%s)", _mask(to), type(exc).__name__, exc_info=True)
        raise MailError(str(exc)) from exc
    logger.info("mail sent to %s: %s", _mask(to), subject)


def _mask(address: str) -> str:
    """j***@example.org: enough to correlate with a complaint, not a mailing list."""
    local, _, domain = address.partition("@")
    return f"{local[:1]}***@{domain}" if domain else "***"


async def send_many(recipients: list[str], subject: str, body: str) -> tuple[int, int]:
    """Best-effort fan-out for notices; returns (sent, failed)."""
    sent = failed = 0
    for to in recipients:
        try:
            await send_email(to, subject, body)
            sent += 1
        except MailError:
            failed += 1
    return sent, failed
