"""Outgoing mail over SMTP with STARTTLS."""
from __future__ import annotations

import logging
import smtplib
import ssl
from email.message import EmailMessage

logger = logging.getLogger(__name__)

SMTP_TIMEOUT_SECONDS = 15


class MailError(Exception):
    pass


class Mailer:
    def __init__(self, host: str, port: int, user: str, password: str, sender: str) -> None:
        self._host = host
        self._port = port
        self._user = user
        self._password = password
        self._sender = sender

    @classmethod
    def from_config(cls, cfg) -> "Mailer":
        return cls(cfg.smtp_host, cfg.smtp_port, cfg.smtp_user, cfg.smtp_password, cfg.mail_from)

    def _message(self, to: str | list[str], subject: str) -> EmailMessage:
        message = EmailMessage()
        message["From"] = self._sender
        message["To"] = ", ".join(to) if isinstance(to, list) else to
        message["Subject"] = subject
        return message

    def _send(self, message: EmailMessage) -> None:
        context = ssl.create_default_context()
        try:
            with smtplib.SMTP(self._host, self._port, timeout=SMTP_TIMEOUT_SECONDS) as smtp:  # ok: REL001, RES001
                smtp.starttls(context=context)
                if self._user:
                    smtp.login(self._user, self._password)
                smtp.send_message(message)
        except (smtplib.SMTPException, OSError) as exc:
            logger.warning("mail to %s failed: %s", message["To"], exc.__class__.__name__)
            raise MailError(str(exc)) from exc
        logger.info("mail sent to %s: %s", message["To"], message["Subject"])

    def send_text(self, to: str | list[str], subject: str, body: str) -> None:
        message = self._message(to, subject)
        message.set_content(body)
        self._send(message)

    def send_html(self, to: str | list[str], subject: str, html: str, text: str | None = None) -> None:
        message = self._message(to, subject)
        message.set_content(text or "Your email client cannot show this message; please view it in a browser.")
        message.add_alternative(html, subtype="html")
        self._send(message)

    def send_with_attachment(
        self, to: str | list[str], subject: str, body: str, filename: str, data: bytes, mime: str = "text/csv"
    ) -> None:
        maintype, _, subtype = mime.partition("/")
        message = self._message(to, subject)
        message.set_content(body)
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
        self._send(message)
