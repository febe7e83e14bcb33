import logging
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import make_msgid
from typing import Optional

from flask import current_app

logger = logging.getLogger(__name__)

SMTP_TIMEOUT_S = 15


class MailError(Exception):
    pass


def send_mail(to: str, subject: str, body: str, reply_to: Optional[str] = None, headers: Optional[dict] = None) -> str:
    cfg = current_app.config
    msg = EmailMessage()
    msg["From"] = cfg["SUPPORT_ADDRESS"]
    msg["To"] = to
    msg["Subject"] = subject
    msg["Message-ID"] = make_msgid(domain=cfg["SUPPORT_ADDRESS"].split("@")[-1])
    if reply_to:
        msg["Reply-To"] = reply_to
    for name, value in (headers or {}).items():
        msg[name] = value
    msg.set_content(body)

    context = ssl.create_default_context()  # ok: SEC011
    try:
        with smtplib.SMTP(cfg["SMTP_HOST"], cfg["SMTP_PORT"], timeout=SMTP_TIMEOUT_S) as smtp:  # ok: REL001, RES001
            smtp.starttls(context=context)
            if cfg["SMTP_USER"]:
                smtp.login(cfg["SMTP_USER"], cfg["SMTP_PASSWORD"])  # ok: SEC005
            smtp.send_message(msg)
    except (smtplib.SMTPException, OSError) as exc:
        logger.exception("mail to %s failed (subject=%r)", to, subject)
        raise MailError(str(exc)) from exc

    logger.info("mail sent to %s message_id=%s", to, msg["Message-ID"])
    return msg["Message-ID"]


def send_agent_reply(ticket, agent, body: str) -> str:
    threading_headers = {}
    if ticket.source_message_id:
        threading_headers["In-Reply-To"] = ticket.source_message_id
        threading_headers["References"] = ticket.source_message_id
    signature = f"\n\n--\n{agent.name}\nAcme Support"
    return send_mail(
        ticket.requester_email,
        f"Re: [#{ticket.id}] {ticket.subject}",
        body + signature,
        reply_to=current_app.config["SUPPORT_ADDRESS"],
        headers=threading_headers,
    )
