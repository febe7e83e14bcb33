"""Invoice e-mail actors: one invoice at a time, and the month-end batch."""

import logging
import smtplib
import ssl
from datetime import datetime, timezone

import dramatiq

import falconry.worker  # noqa: F401  (binds actors to the Redis broker)
from falconry.mail import build_message, send_message
from falconry.models import Booking, Invoice, Organiser
from falconry.settings import settings

logger = logging.getLogger(__name__)


def _invoice_text(invoice: Invoice) -> str:
    booking = invoice.booking
    return (
        f"Dear {invoice.organiser.contact_name},\n\n"
        f"Invoice {invoice.number} for the falconry display at {booking.event_name} "
        f"on {booking.event_date:%d %B %Y}.\n\n"
        f"Amount due: £{invoice.total:.2f}, payable within 30 days.\n"
    )


@dramatiq.actor(queue_name="invoices", max_retries=3)
def send_invoice_email(invoice_id: int) -> None:
    """Send a single invoice right after a booking is completed."""
    invoice = Invoice.get_by_id(invoice_id)
    if invoice.sent_at is not None:
        return
    msg = build_message(
        invoice.organiser.email,
        f"Invoice {invoice.number}",
        _invoice_text(invoice),
        message_key=f"invoice-{invoice.number}",
    )
    send_message(msg)
    Invoice.update(sent_at=datetime.now(timezone.utc)).where(Invoice.id == invoice_id).execute()


@dramatiq.actor(queue_name="invoices", max_retries=5, min_backoff=60_000, time_limit=30 * 60 * 1000)
def send_monthly_invoices(period: str) -> int:
    """Month-end run: e-mail every unsent invoice for the period, then mark them sent."""
    invoices = list(
        Invoice.select(Invoice, Organiser, Booking)
        .join(Organiser)
        .switch(Invoice)
        .join(Booking)
        .where((Invoice.period == period) & (Invoice.sent_at.is_null()))
        .order_by(Invoice.id)
    )
    if not invoices:
        return 0

    smtp = smtplib.SMTP(settings.smtp_host, settings.smtp_port)  # expect: REL001
    try:
        smtp.starttls(context=ssl.create_default_context())
        if settings.smtp_user:
            smtp.login(settings.smtp_user, settings.smtp_password)
        for invoice in invoices:
            msg = build_message(invoice.organiser.email, f"Invoice {invoice.number}", _invoice_text(invoice))
            smtp.send_message(msg)  # expect: REL003
    finally:
        smtp.quit()

    sent_at = datetime.now(timezone.utc)
    Invoice.update(sent_at=sent_at).where(Invoice.id.in_([i.id for i in invoices])).execute()
    logger.info("monthly invoices sent", extra={"period": period, "count": len(invoices)})
    return len(invoices)
