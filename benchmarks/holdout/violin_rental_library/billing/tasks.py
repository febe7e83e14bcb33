"""Huey tasks for term billing: issuing invoices, collecting payment, receipts."""
from __future__ import annotations

import logging

import stripe
from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from billing.invoices import generate_term_invoices, invoice_summary
from rentals.credit import apply_rent_credit
from rentals.models import School, TermInvoice

logger = logging.getLogger(__name__)


@db_task(retries=2, retry_delay=300)
def issue_school_invoices(school_id: int, term: str) -> int:
    created = generate_term_invoices(school_id, term)
    for invoice_id in created:
        send_invoice_email(invoice_id)
    return len(created)


@db_task(retries=3, retry_delay=120)
def collect_term_invoice(invoice_id: int) -> None:
    invoice = TermInvoice.objects.select_related("student__guardian").get(pk=invoice_id)
    if invoice.status == TermInvoice.Status.PAID:
        return
    guardian = invoice.student.guardian
    intent = stripe.PaymentIntent.create(  # expect: REL003
        api_key=settings.STRIPE_SECRET_KEY,
        amount=invoice.total_pence,
        currency="gbp",
        customer=guardian.stripe_customer_id,
        payment_method=guardian.default_payment_method,
        off_session=True,
        confirm=True,
        metadata={"invoice_id": str(invoice.pk)},
    )
    for line in invoice.lines.select_related("rental"):
        apply_rent_credit(line.rental, line.amount_pence, invoice_id=invoice.pk)
    invoice.status = TermInvoice.Status.PAID
    invoice.stripe_payment_intent = intent.id
    invoice.save(update_fields=["status", "stripe_payment_intent"])
    send_receipt(invoice.pk)


@db_periodic_task(crontab(hour="6", minute="15"))
def collect_due_invoices() -> None:
    today = timezone.localdate()
    due = TermInvoice.objects.filter(status=TermInvoice.Status.ISSUED, due_on__lte=today).values_list("id", flat=True)
    for invoice_id in due.iterator(chunk_size=500):
        collect_term_invoice(invoice_id)


@db_task(retries=2, retry_delay=60)
def send_invoice_email(invoice_id: int) -> None:
    invoice = TermInvoice.objects.select_related("student__guardian", "student__school").get(pk=invoice_id)
    body = render_to_string("billing/invoice_email.txt", invoice_summary(invoice))
    EmailMessage(
        subject=f"Instrument hire invoice, {invoice.term}",
        body=body,
        to=[invoice.student.guardian.email],
    ).send()


@db_task()
def send_receipt(invoice_id: int) -> None:
    invoice = TermInvoice.objects.select_related("student__guardian").get(pk=invoice_id)
    try:
        body = render_to_string("billing/receipt_email.txt", invoice_summary(invoice))
        EmailMessage(subject=f"Receipt for {invoice.term}", body=body, to=[invoice.student.guardian.email]).send()
        invoice.receipt_sent = True
        invoice.save(update_fields=["receipt_sent"])
    except Exception as exc:
        logger.error(f"receipt for invoice {invoice_id} could not be sent: {exc}")  # expect: OBS002


@db_periodic_task(crontab(month="9,1,4", day="1", hour="7", minute="0"))
def issue_all_school_invoices() -> None:
    term = current_term_label()
    for school_id in School.objects.values_list("id", flat=True):
        issue_school_invoices(school_id, term)


def current_term_label() -> str:
    today = timezone.localdate()
    season = "autumn" if today.month >= 9 else "spring" if today.month < 4 else "summer"
    return f"{today.year}-{season}"
