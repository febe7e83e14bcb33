"""Invoices for completed displays."""

import logging
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from peewee import fn

from falconry.db import db
from falconry.models import Booking, BookingBird, Invoice

logger = logging.getLogger(__name__)

BASE_FEE = Decimal("350.00")
PER_BIRD_FEE = Decimal("85.00")
PER_EXTRA_HOUR = Decimal("120.00")
VAT_RATE = Decimal("0.20")
PENNY = Decimal("0.01")


def quote_fee(display_minutes: int, bird_count: int) -> Decimal:
    extra_hours = max(0, -(-(display_minutes - 60) // 60))
    net = BASE_FEE + PER_BIRD_FEE * bird_count + PER_EXTRA_HOUR * extra_hours
    return (net * (1 + VAT_RATE)).quantize(PENNY, rounding=ROUND_HALF_UP)


def _next_number(period: str) -> str:
    seq = db.execute_sql("SELECT nextval('invoice_number_seq')").fetchone()[0]
    return f"FD-{period.replace('-', '')}-{seq:05d}"


def create_invoice_for_booking(booking_id: int) -> Invoice:
    """Invoice a completed booking exactly once and queue the e-mail after commit."""
    from falconry.actors.invoices import send_invoice_email

    with db.atomic():
        booking = Booking.select().where(Booking.id == booking_id).for_update().get()
        if booking.status != "completed":
            raise ValueError(f"booking {booking_id} is {booking.status}, not completed")
        birds = BookingBird.select().where(BookingBird.booking == booking).count()
        period = booking.event_date.strftime("%Y-%m")
        invoice, created = Invoice.get_or_create(  # ok: DB005
            booking=booking,
            defaults={
                "organiser": booking.organiser_id,
                "number": _next_number(period),
                "period": period,
                "total": quote_fee(booking.display_minutes, birds),
            },
        )
    if created:
        send_invoice_email.send(invoice.id)  # ok: REL004
        logger.info("invoice created", extra={"booking_id": booking_id, "invoice_id": invoice.id})
    return invoice


def outstanding_for_organiser(organiser_id: int, page: int = 1, per_page: int = 20) -> dict:
    query = (
        Invoice.select()
        .where((Invoice.organiser == organiser_id) & (Invoice.sent_at.is_null(False)))
        .order_by(Invoice.id.desc())
    )
    total = (
        Invoice.select(fn.COALESCE(fn.SUM(Invoice.total), 0))
        .where(Invoice.organiser == organiser_id)
        .scalar()
    )
    return {
        "invoices": [
            {"number": i.number, "period": i.period, "total": str(i.total)}
            for i in query.paginate(page, per_page)
        ],
        "total_invoiced": str(total),
        "as_of": date.today().isoformat(),
    }
