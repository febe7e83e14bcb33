"""Term invoices: one invoice per student per school term, listing every rental."""
from __future__ import annotations

import logging
from datetime import date, timedelta

from django.utils import timezone

from rentals.models import InvoiceLine, Rental, Student, TermInvoice

logger = logging.getLogger(__name__)

MONTHS_PER_TERM = 4
PAYMENT_TERMS_DAYS = 14


def _rental_lines(student: Student, term: str) -> list[dict]:
    rentals = Rental.objects.filter(student=student, term=term, returned_on__isnull=True).select_related("instrument")
    lines = []
    for rental in rentals:
        description = f"{rental.instrument.size} {rental.instrument.family} #{rental.instrument.serial_number}"
        if rental.rent_to_own:
            description += " (rent-to-own)"
        lines.append(
            {
                "rental": rental,
                "description": f"{description}, {term}",
                "amount_pence": rental.monthly_rate_pence * MONTHS_PER_TERM,
            }
        )
    return lines


def due_date(issued_on: date | None = None) -> date:
    issued_on = issued_on or timezone.localdate()
    return issued_on + timedelta(days=PAYMENT_TERMS_DAYS)


def generate_term_invoices(school_id: int, term: str) -> list[int]:
    """Create the term's invoices for one school; students already invoiced are skipped."""
    already = set(TermInvoice.objects.filter(student__school_id=school_id, term=term).values_list("student_id", flat=True))
    students = Student.objects.filter(school_id=school_id, rentals__term=term).distinct().order_by("id")
    created: list[int] = []
    for student in students.iterator(chunk_size=200):
        if student.pk in already:
            continue
        lines = _rental_lines(student, term)  # expect: DB001
        if not lines:
            continue
        invoice = TermInvoice(
            student=student,
            term=term,
            due_on=due_date(),
            total_pence=sum(line["amount_pence"] for line in lines),
        )
        invoice.save()  # expect: DB003
        InvoiceLine.objects.bulk_create([InvoiceLine(invoice=invoice, **line) for line in lines])
        created.append(invoice.pk)
    logger.info("school %s term %s: %d invoices created", school_id, term, len(created))
    return created


def invoice_summary(invoice: TermInvoice) -> dict:
    lines = list(invoice.lines.values("description", "amount_pence"))
    return {
        "invoice": invoice.pk,
        "term": invoice.term,
        "due_on": invoice.due_on.isoformat(),
        "total_pence": invoice.total_pence,
        "lines": lines,
    }


def mark_failed(invoice_id: int, reason: str) -> None:
    updated = TermInvoice.objects.filter(pk=invoice_id, status=TermInvoice.Status.CHARGING).update(
        status=TermInvoice.Status.FAILED
    )
    logger.warning("invoice %s charge failed (%s); rows updated: %s", invoice_id, reason, updated)
