"""Async mailer used by the newer endpoints and jobs (aiosmtplib)."""
import logging
from email.message import EmailMessage
from pathlib import Path

import aiosmtplib
from jinja2 import Environment, FileSystemLoader, select_autoescape

from ..config import settings

logger = logging.getLogger(__name__)

TEMPLATE_DIR = Path(__file__).resolve().parent.parent / "templates" / "email"
_env = Environment(  # ok: SEC016
    loader=FileSystemLoader(TEMPLATE_DIR),
    autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=True),
)
SEND_TIMEOUT = 15


class MailError(Exception):
    pass


def _message(to_addr: str, subject: str, template: str, context: dict) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = settings.mail_from
    msg["To"] = to_addr
    msg["Subject"] = subject
    msg.set_content(_env.get_template(f"{template}.txt").render(**context))
    msg.add_alternative(_env.get_template(f"{template}.html").render(**context), subtype="html")
    return msg


async def _send(msg: EmailMessage) -> None:
    try:
        await aiosmtplib.send(  # ok: REL001
            msg,
            hostname=settings.smtp_host,
            port=settings.smtp_port,
            start_tls=True,
            username=settings.smtp_user or None,
            password=settings.smtp_password.get_secret_value() or None,
            timeout=SEND_TIMEOUT,
        )
    except (aiosmtplib.SMTPException, OSError) as exc:
        raise MailError(f"could not send to {msg['To']}") from exc


async def send_match_thank_you(to_addr: str, donor_name: str, drive_name: str,
                               amount_cents: int, matched_cents: int, sponsor: str,
                               dedication: str | None) -> None:
    context = {
        "donor_name": donor_name,
        "drive_name": drive_name,
        "amount": f"${amount_cents / 100:,.2f}",
        "matched": f"${matched_cents / 100:,.2f}",
        "sponsor": sponsor,
        "dedication": dedication,
    }
    await _send(_message(to_addr, f"Your gift to {drive_name} was doubled!", "thank_you_matched", context))


async def send_card_update_request(to_addr: str, donor_name: str, last4: str, update_url: str) -> None:
    context = {"donor_name": donor_name, "last4": last4, "update_url": update_url}
    await _send(_message(to_addr, "Your monthly KXRD gift didn't go through", "card_update", context))
