import logging
import os
from datetime import date, datetime, timedelta

import requests

from movers.app import celery
from movers.models import QuoteRequest, db

log = logging.getLogger(__name__)

POSTMARK_URL = "https://api.postmarkapp.com/email"
QUOTE_TTL_DAYS = 30


def _send_email(to, subject, body):
    resp = requests.post(
        POSTMARK_URL,
        json={"From": "crew@swiftmovers.example", "To": to, "Subject": subject, "TextBody": body},
        headers={"X-Postmark-Server-Token": os.environ.get("POSTMARK_TOKEN", "")},
        timeout=10,
    )
    resp.raise_for_status()


def _reminder_text(quote, name):
    return (
        f"Hi {name},\n\n"
        f"Your move from {quote.origin_address} to {quote.destination_address} is on "
        f"{quote.move_date:%A %d %B}. Our crew arrives between 8 and 9am.\n\n"
        "Please have fragile items boxed and labelled.\n\nSwift Movers"
    )


def send_move_reminders():
    """Email customers whose move is in two days."""
    target = date.today() + timedelta(days=2)
    quotes = (QuoteRequest.query
              .filter(QuoteRequest.move_date == target,
                      QuoteRequest.status == "booked",
                      QuoteRequest.reminder_sent_at.is_(None))
              .order_by(QuoteRequest.id).all())
    sent = 0
    for quote in quotes:
        customer = quote.customer  # expect: DB001
        try:
            _send_email(customer.email, "Your move is in two days",
                        _reminder_text(quote, customer.full_name))
        except requests.RequestException as exc:
            print(f"reminder failed for quote {quote.id}: {exc}")  # expect: OBS001
            continue
        quote.reminder_sent_at = datetime.utcnow()
        db.session.commit()  # ok: DB003
        sent += 1
    log.info("move reminders sent: %d of %d", sent, len(quotes))


def expire_stale_quotes():
    cutoff = datetime.utcnow() - timedelta(days=QUOTE_TTL_DAYS)
    stale = (QuoteRequest.query
             .filter(QuoteRequest.status.in_(("new", "surveyed")),
                     QuoteRequest.created_at < cutoff)
             .all())
    for quote in stale:
        quote.status = "expired"
        db.session.commit()  # expect: DB003
    log.info("expired %d stale quotes", len(stale))


@celery.task(name="movers.reminders.send_move_reminders")
def send_move_reminders_task():
    send_move_reminders()


@celery.task(name="movers.reminders.expire_stale_quotes")
def expire_stale_quotes_task():
    expire_stale_quotes()
