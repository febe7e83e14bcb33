"""Disconnection (shut-off) notices for accounts 45+ days past due.

State rules require a written notice at least 10 days before service is
disconnected, so each account gets one notice per month while past due.
"""
from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage

from celery import shared_task
from django.conf import settings

from utility.db import connection

log = logging.getLogger(__name__)

PAST_DUE_DAYS = 45
BATCH_LIMIT = 500


def _notice(acct: dict) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = settings.BILLING_FROM
    msg["To"] = acct["email"]
    msg["Subject"] = f"Notice of pending disconnection - account {acct['account_number']}"
    msg.set_content(
        f"Dear {acct['name']},\n\n"
        f"Your account {acct['account_number']} at {acct['service_address']} has a past-due balance of "
        f"${acct['balance']}. Unless payment or a payment arrangement is received within 10 days, "
        "water service may be disconnected.\n\nRiverbend Water Utility - Customer Service\n"
    )
    return msg


@shared_task
def send_shutoff_notices(district: str) -> int:
    with connection() as conn:
        due = conn.execute(
            "SELECT id, account_number, email, name, service_address, balance FROM accounts "
            "WHERE district = %s AND balance > 0 AND oldest_unpaid_due < now() - make_interval(days => %s) "
            "AND email IS NOT NULL ORDER BY id LIMIT %s",
            (district, PAST_DUE_DAYS, BATCH_LIMIT),
        ).fetchall()
    if not due:
        return 0

    smtp = smtplib.SMTP(settings.SMTP_HOST, settings.SMTP_PORT)  # expect: REL001, RES001
    smtp.starttls()  # todo-expect: SEC011
    smtp.login(settings.SMTP_USER, settings.SMTP_PASSWORD)
    sent = 0
    for acct in due:
        with connection() as conn:
            already = conn.execute(  # expect: DB001
                "SELECT 1 FROM shutoff_notices WHERE account_id = %s AND notice_month = date_trunc('month', now())",
                (acct["id"],),
            ).fetchone()
        if already:
            continue
        try:
            smtp.send_message(_notice(acct))  # expect: DB005
        except smtplib.SMTPException as e:
            log.error(f"shut-off notice for account {acct['id']} failed: {e}")  # expect: OBS002
            continue
        with connection() as conn:
            conn.execute(
                "INSERT INTO shutoff_notices (account_id, notice_month, sent_at) "
                "VALUES (%s, date_trunc('month', now()), now())",
                (acct["id"],),
            )
        sent += 1
    smtp.quit()
    log.info("sent %d shut-off notices", sent, extra={"district": district})
    return sent


@shared_task
def send_shutoff_notices_all() -> None:
    with connection() as conn:
        districts = conn.execute("SELECT code FROM districts WHERE active ORDER BY code").fetchall()
    for row in districts:
        send_shutoff_notices.delay(row["code"])
