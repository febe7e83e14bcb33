"""Outgoing e-mail over SMTP with STARTTLS."""

import logging
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from falconry.settings import settings

logger = logging.getLogger(__name__)


class MailError(Exception):
    pass


def build_message(
    to: str,
    subject: str,
    text: str,
    *,
    message_key: str | None = None,
    attachments: tuple[tuple[str, bytes, str], ...] = (),
) -> EmailMessage:
    """Build a message. ``message_key`` gives a stable Message-ID so a resend is recognisable."""
    msg = EmailMessage()
    msg["From"] = settings.mail_from
    msg["To"] = to
    msg["Subject"] = subject
    msg["Date"] = formatdate(localtime=False)
    domain = settings.mail_from.rsplit("@", 1)[-1]
    msg["Message-ID"] = f"<{message_key}@{domain}>" if message_key else make_msgid(domain=domain)
    msg.set_content(text)
    for filename, data, mime in attachments:
        maintype, _, subtype = mime.partition("/")
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    return msg


def open_smtp() -> smtplib.SMTP:
    """Connected, authenticated SMTP session; use it as a context manager."""
    smtp = smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=settings.smtp_timeout)  # ok: REL001
    try:
        smtp.starttls(context=ssl.create_default_context())
        if settings.smtp_user:
            smtp.login(settings.smtp_user, settings.smtp_password)
    except (smtplib.SMTPException, OSError):
        smtp.close()
        raise
    return smtp


def send_message(msg: EmailMessage) -> None:
    try:
        with open_smtp() as smtp:
            smtp.send_message(msg)
    except (smtplib.SMTPException, OSError) as exc:
        raise MailError(f"could not send {msg['Subject']!r}") from exc
    logger.info(
        "mail sent",
        extra={"to_domain": str(msg["To"]).rsplit("@", 1)[-1], "message_id": msg["Message-ID"]},
    )


def send_text(to: str, subject: str, text: str, message_key: str | None = None) -> None:
    send_message(build_message(to, subject, text, message_key=message_key))
