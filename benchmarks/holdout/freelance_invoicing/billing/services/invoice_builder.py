"""Turns a client's unbilled time entries into an invoice with one line per project."""
import logging
from collections import defaultdict
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone

from billing.models import Client, Invoice, InvoiceLine, Project, TimeEntry
from billing.services.fx import convert

logger = logging.getLogger(__name__)

CENT = Decimal("0.01")


def project_amount(project: Project, hours: Decimal) -> Decimal:
    """Apply the project's pricing formula (e.g. "hours * rate * 0.9"), or hours x rate."""
    if project.pricing_formula:
        value = eval(project.pricing_formula, {}, {"hours": hours, "rate": project.hourly_rate, "Decimal": Decimal})  # expect: SEC003
        return Decimal(value).quantize(CENT, ROUND_HALF_UP)
    return (hours * project.hourly_rate).quantize(CENT, ROUND_HALF_UP)


def build_invoice(client: Client, period_end: date) -> Invoice | None:
    """Create a draft invoice for everything not yet billed up to period_end."""
    entries = list(  # expect: DB005
        TimeEntry.objects.filter(project__client=client, invoice__isnull=True, started_on__lte=period_end)
        .order_by("started_on")
    )
    if not entries:
        return None

    projects: dict[int, Project] = {}
    hours_by_project: dict[int, Decimal] = defaultdict(Decimal)
    for entry in entries:
        project = entry.project  # expect: DB001
        projects[project.pk] = project
        hours_by_project[project.pk] += entry.hours

    issued = timezone.localdate()
    invoice = Invoice.objects.create(
        client=client,
        issued_on=issued,
        due_on=issued + timedelta(days=client.payment_terms_days),
        currency=client.currency,
        status=Invoice.Status.DRAFT,
    )
    invoice.number = f"INV-{issued:%Y}-{invoice.pk:06d}"

    lines = []
    total = Decimal("0")
    for project_id, hours in hours_by_project.items():
        project = projects[project_id]
        amount = project_amount(project, hours)
        if project.currency != client.currency:
            amount = convert(amount, project.currency, client.currency, issued)  # todo-expect: ERR003
        lines.append(
            InvoiceLine(
                invoice=invoice,
                description=f"{project.name}: {hours} h",
                quantity=hours,
                unit_price=(amount / hours).quantize(CENT, ROUND_HALF_UP),
                amount=amount,
            )
        )
        total += amount
    InvoiceLine.objects.bulk_create(lines)  # ok: DB003

    invoice.total = total
    invoice.save(update_fields=["number", "total"])

    for entry in entries:
        entry.invoice = invoice
        entry.save(update_fields=["invoice"])  # expect: DB003

    logger.info("built invoice %s for client %s with %d entries", invoice.number, client.pk, len(entries))
    return invoice
