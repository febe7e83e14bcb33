"""Thank-you e-mails for pledges, rendered from the station's templates."""
import logging
import smtplib
from email.message import EmailMessage
from pathlib import Path

from jinja2 import Environment, FileSystemLoader

from ..config import settings

logger = logging.getLogger(__name__)

TEMPLATE_DIR = Path(__file__).resolve().parent.parent / "templates" / "email"
_env = Environment(loader=FileSystemLoader(TEMPLATE_DIR), autoescape=False)  # expect: SEC016


def _money(cents: int) -> str:
    return f"${cents / 100:,.2f}"


def render_thank_you(donor_name: str, drive_name: str, amount_cents: int, dedication: str | None) -> tuple[str, str]:
    context = {
        "donor_name": donor_name,
        "drive_name": drive_name,
        "amount": _money(amount_cents),
        "dedication": dedication,
    }
    text = _env.get_template("thank_you.txt").render(**context)
    html = _env.get_template("thank_you.html").render(**context)
    return text, html


def _build_message(to_addr: str, subject: str, text: str, html: str) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = settings.mail_from
    msg["To"] = to_addr
    msg["Subject"] = subject
    msg.set_content(text)
    msg.add_alternative(html, subtype="html")
    return msg


def send_thank_you(to_addr: str, donor_name: str, drive_name: str, amount_cents: int,
                   dedication: str | None = None) -> None:
    """Send the pledge thank-you. Errors are logged and swallowed: the pledge stands."""
    text, html = render_thank_you(donor_name, drive_name, amount_cents, dedication)
    msg = _build_message(to_addr, f"Thank you for supporting {drive_name}!", text, html)
    try:
        with smtplib.SMTP(settings.smtp_host, settings.smtp_port) as smtp:  # expect: REL001
            smtp.starttls()
            if settings.smtp_user:
                smtp.login(settings.smtp_user, settings.smtp_password.get_secret_value())
            smtp.send_message(msg)
    except (smtplib.SMTPException, OSError):
        logger.exception("thank-you e-mail failed for drive=%s", drive_name)
        return
    logger.info("thank-you sent drive=%s amount=%s", drive_name, amount_cents)


def send_plain(to_addrs: list[str], subject: str, body: str) -> None:
    msg = EmailMessage()
    msg["From"] = settings.mail_from
    msg["To"] = ", ".join(to_addrs)
    msg["Subject"] = subject
    msg.set_content(body)
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=20) as smtp:  # ok: REL001
        smtp.starttls()
        if settings.smtp_user:
            smtp.login(settings.smtp_user, settings.smtp_password.get_secret_value())
        smtp.send_message(msg)
