"""Outgoing e-mail through the relay with aiosmtplib."""
import logging
from email.message import EmailMessage
from email.utils import make_msgid

import aiosmtplib

from ..config import Config

logger = logging.getLogger(__name__)

SMTP_TIMEOUT_SECONDS = 20


class MailError(Exception):
    """The relay refused or could not take the message."""


def build_message(
    config: Config,
    *,
    to: str,
    subject: str,
    text: str,
    attachment: tuple[str, bytes, str] | None = None,
    message_id: str | None = None,
) -> EmailMessage:
    message = EmailMessage()
    message["From"] = config.mail_from
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = message_id or make_msgid(domain="huetten.example.org")
    message.set_content(text)
    if attachment is not None:
        filename, data, mime = attachment
        maintype, subtype = mime.split("/", 1)
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    return message


async def send(config: Config, message: EmailMessage) -> None:
    try:
        await aiosmtplib.send(
            message,
            hostname=config.smtp_host,
            port=config.smtp_port,
            username=config.smtp_username or None,
            password=config.smtp_password or None,
            start_tls=True,
            timeout=SMTP_TIMEOUT_SECONDS,  # ok: REL001
        )
    except (aiosmtplib.SMTPException, OSError) as exc:
        logger.warning("mail to %s failed subject=%r", message["To"], message["Subject"], exc_info=True)
        raise MailError(str(exc)) from exc
    logger.info("mail sent to=%s message_id=%s", message["To"], message["Message-ID"])


async def send_text(config: Config, to: str, subject: str, text: str) -> None:
    await send(config, build_message(config, to=to, subject=subject, text=text))


async def send_with_attachment(
    config: Config, to: str, subject: str, text: str, filename: str, data: bytes, mime: str = "text/csv"
) -> None:
    await send(config, build_message(config, to=to, subject=subject, text=text, attachment=(filename, data, mime)))
