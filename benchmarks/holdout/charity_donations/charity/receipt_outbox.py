"""Sends donation receipts queued in receipt_outbox by the donation and plan flows."""
import logging
import os
from datetime import datetime, timezone

from botocore.exceptions import ClientError, EndpointConnectionError
from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from .models import Donation, ReceiptOutbox
from .receipts import send_html_email

logger = logging.getLogger(__name__)

BATCH_SIZE = 50
MAX_ATTEMPTS = 5
TEMPLATE_DIR = os.path.join(os.path.dirname(__file__), "templates", "email")
_env = Environment(loader=FileSystemLoader(TEMPLATE_DIR), autoescape=select_autoescape(["html"]))  # ok: SEC016


def _render(donation, kind, settings):
    context = {
        "donation": donation,
        "donor": donation.donor,
        "campaign": donation.campaign,
        "amount": f"£{donation.amount_pence / 100:,.2f}",
        "recurring": kind == "recurring",
        "charity_name": settings.charity_name,
        "charity_number": settings.charity_number,
    }
    return (
        _env.get_template("receipt.html").render(**context),
        _env.get_template("receipt.txt").render(**context),
    )


def flush_receipt_outbox(app):
    settings = app.extensions["settings"]
    with app.app_context(), app.extensions["db_sessionmaker"]() as db:
        rows = db.scalars(
            select(ReceiptOutbox)
            .where(ReceiptOutbox.status == "pending", ReceiptOutbox.attempts < MAX_ATTEMPTS)
            .order_by(ReceiptOutbox.id)
            .limit(BATCH_SIZE)
            .with_for_update(skip_locked=True)  # ok: DB005
        ).all()
        if not rows:
            return 0
        donations = {
            d.id: d
            for d in db.scalars(
                select(Donation)
                .where(Donation.id.in_([r.donation_id for r in rows]))
                .options(joinedload(Donation.donor), joinedload(Donation.campaign))  # ok: DB001
            ).unique()
        }
        sent = 0
        for row in rows:
            donation = donations[row.donation_id]
            if donation.donor.email_bounced:
                row.status = "skipped"
                continue
            html, text = _render(donation, row.kind, settings)
            try:
                result = send_html_email(donation.donor.email, f"Thank you for your gift to {settings.charity_name}", html, text)
            except (ClientError, EndpointConnectionError) as exc:
                row.attempts += 1  # ok: DB004
                row.last_error = str(exc)[:500]
                if row.attempts >= MAX_ATTEMPTS:
                    row.status = "failed"
                logger.warning("receipt %s failed attempt=%s", row.id, row.attempts, exc_info=True)
                continue
            row.status = "sent"
            row.ses_message_id = result["MessageId"]
            row.sent_at = datetime.now(timezone.utc)
            sent += 1
        db.commit()  # ok: DB003
        logger.info("receipt outbox: sent=%s batch=%s", sent, len(rows))
        return sent
