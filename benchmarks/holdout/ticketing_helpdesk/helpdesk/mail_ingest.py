import email
import email.policy
import imaplib
import logging
from datetime import datetime, timezone
from email.utils import parseaddr
from typing import Optional

from flask import current_app
from sqlalchemy import select

from helpdesk.mailer import send_mail
from helpdesk.models import Ticket, TicketMessage, get_session

logger = logging.getLogger(__name__)

DEFAULT_TEAM_ID = 1
MAX_BODY_CHARS = 100_000
AUTO_REPLY = (
    "Thanks for contacting Acme Support. Your request has been logged as ticket #{id}.\n"
    "Reply to this e-mail to add more details; please keep the ticket number in the subject."
)


def _text_body(msg) -> str:
    part = msg.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    return part.get_content()[:MAX_BODY_CHARS]


def _ingest_one(session, msg) -> Optional[Ticket]:
    message_id = (msg.get("Message-ID") or "").strip()
    _, sender = parseaddr(msg.get("From", ""))
    if not sender or sender.lower() == current_app.config["SUPPORT_ADDRESS"]:
        return None
    if message_id:
        seen = session.scalar(select(Ticket.id).where(Ticket.source_message_id == message_id))
        if seen is not None:
            return None

    now = datetime.now(timezone.utc)
    ticket = Ticket(
        subject=(msg.get("Subject") or "(no subject)")[:255],
        requester_email=sender.lower(),
        status="open",
        priority="normal",
        team_id=DEFAULT_TEAM_ID,
        source_message_id=message_id or None,
        created_at=now,
    )
    session.add(ticket)  # expect: DB005
    session.flush()
    session.add(TicketMessage(ticket_id=ticket.id, author_email=sender.lower(), body=_text_body(msg), internal=False, created_at=now))
    send_mail(sender, f"[#{ticket.id}] {ticket.subject}", AUTO_REPLY.format(id=ticket.id))  # expect: REL004
    session.commit()
    return ticket


def poll_mailbox() -> int:
    cfg = current_app.config
    imap = imaplib.IMAP4_SSL(cfg["IMAP_HOST"])  # expect: REL001, RES001
    imap.login(cfg["IMAP_USER"], cfg["IMAP_PASSWORD"])
    imap.select("INBOX")
    _, data = imap.search(None, "UNSEEN")
    session = get_session()
    created = 0
    for num in data[0].split():
        try:
            _, parts = imap.fetch(num, "(BODY.PEEK[])")
            msg = email.message_from_bytes(parts[0][1], policy=email.policy.default)
            if _ingest_one(session, msg) is not None:
                created += 1
            imap.store(num, "+FLAGS", "\\Seen")
        except Exception:  # expect: ERR001
            session.rollback()
            continue
    imap.close()
    imap.logout()
    logger.info("mailbox poll: %d new tickets", created)
    return created
