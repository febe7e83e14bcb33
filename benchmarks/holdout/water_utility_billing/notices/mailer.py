"""Outgoing customer e-mail: bills, address verification and the notice
outbox that shut-off and other regulated notices are written to."""
from __future__ import annotations

import logging
import smtplib
import ssl
from contextlib import contextmanager
from datetime import date
from decimal import Decimal
from email.message import EmailMessage
from html import escape
from typing import Iterator

from celery import shared_task
from django.conf import settings
from django.core import signing

from utility.db import connection

log = logging.getLogger(__name__)


@contextmanager
def smtp_session() -> Iterator[smtplib.SMTP]:
    context = ssl.create_default_context()
    with smtplib.SMTP(settings.SMTP_HOST, settings.SMTP_PORT, timeout=20) as smtp:  # ok: REL001, RES001
        smtp.starttls(context=context)
        if settings.SMTP_USER:
            smtp.login(settings.SMTP_USER, settings.SMTP_PASSWORD)
        yield smtp


def _message(to: str, subject: str, text: str, html: str | None = None, message_id: str | None = None) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = settings.BILLING_FROM
    msg["To"] = to
    msg["Subject"] = subject
    if message_id:
        msg["Message-ID"] = f"<{message_id}@riverbend-water.org>"
    msg.set_content(text)
    if html:
        msg.add_alternative(html, subtype="html")
    return msg


def send_bill_email(to: str, name: str, account_number: str, amount: Decimal, due: date) -> None:
    text = f"Dear {name},\n\nYour water bill for account {account_number} is ${amount}, due {due:%B %d, %Y}.\n"
    html = f"<p>Dear {escape(name)},</p><p>Your bill for account {escape(account_number)} is <b>${amount}</b>.</p>"  # ok: SEC016
    with smtp_session() as smtp:
        smtp.send_message(_message(to, f"Your water bill is ready ({account_number})", text, html))


def send_verification_email(to: str, user_id: int) -> None:
    token = signing.dumps({"uid": user_id, "email": to}, salt="email-verify")
    link = f"https://portal.riverbend-water.org/verify-email?t={token}"
    with smtp_session() as smtp:
        smtp.send_message(_message(to, "Confirm your e-mail address", f"Confirm your address: {link}\n"))


@shared_task(bind=True, max_retries=5, default_retry_delay=120)
def deliver_outbox_batch(self, batch_size: int = 100) -> int:
    """Send pending outbox rows. SKIP LOCKED lets several workers share the
    queue; each row is marked sent in the same transaction that locked it."""
    sent_ids: list[int] = []
    refused_ids: list[int] = []
    with connection() as conn:
        rows = conn.execute(
            "SELECT id, recipient, subject, body_text, dedupe_key FROM notice_outbox "
            "WHERE sent_at IS NULL ORDER BY id LIMIT %s FOR UPDATE SKIP LOCKED",
            (batch_size,),
        ).fetchall()
        if not rows:
            return 0
        with smtp_session() as smtp:
            for row in rows:
                msg = _message(row["recipient"], row["subject"], row["body_text"], message_id=row["dedupe_key"])
                try:
                    smtp.send_message(msg)  # ok: REL003
                except smtplib.SMTPRecipientsRefused:
                    log.warning("recipient refused", extra={"outbox_id": row["id"]})
                    refused_ids.append(row["id"])
                    continue
                sent_ids.append(row["id"])
        conn.execute("UPDATE notice_outbox SET sent_at = now() WHERE id = ANY(%s)", (sent_ids,))
        conn.execute("UPDATE notice_outbox SET sent_at = now(), failed_at = now() WHERE id = ANY(%s)", (refused_ids,))
    sent = len(sent_ids)
    log.info("outbox batch delivered", extra={"sent": sent, "task_id": self.request.id})
    return sent
