"""Card payments for term invoices through Stripe.

The invoice is moved to ``charging`` under a row lock before Stripe is called,
and every attempt for the same invoice sends the same idempotency key, so a
retried job or a double click can never take the money twice.
"""
from __future__ import annotations

import logging

import stripe
from django.conf import settings
from django.db import transaction

from billing.invoices import mark_failed
from rentals.credit import apply_rent_credit
from rentals.models import TermInvoice

logger = logging.getLogger(__name__)

stripe.max_network_retries = 2
stripe.default_http_client = stripe.RequestsClient(timeout=20)  # ok: REL001


class InvoiceNotPayable(Exception):
    pass


def _claim(invoice_id: int) -> TermInvoice | None:
    with transaction.atomic():
        invoice = (
            TermInvoice.objects.select_for_update()
            .select_related("student__guardian")
            .get(pk=invoice_id)
        )
        if invoice.status == TermInvoice.Status.PAID:
            return None
        if invoice.status not in (TermInvoice.Status.ISSUED, TermInvoice.Status.CHARGING, TermInvoice.Status.FAILED):
            raise InvoiceNotPayable(f"invoice {invoice_id} is {invoice.status}")
        invoice.status = TermInvoice.Status.CHARGING
        invoice.save(update_fields=["status"])
        return invoice


def charge_term_invoice(invoice_id: int) -> str | None:
    """Charge the guardian's saved card; returns the PaymentIntent id, or None if already paid."""
    invoice = _claim(invoice_id)
    if invoice is None:
        return None
    guardian = invoice.student.guardian
    try:
        intent = stripe.PaymentIntent.create(
            api_key=settings.STRIPE_SECRET_KEY,
            amount=invoice.total_pence,
            currency="gbp",
            customer=guardian.stripe_customer_id,
            payment_method=guardian.default_payment_method,
            off_session=True,
            confirm=True,
            description=f"Instrument hire {invoice.term}",
            metadata={"invoice_id": str(invoice.pk)},
            idempotency_key=f"term-invoice-{invoice.pk}",  # ok: REL003
        )
    except stripe.CardError as exc:
        mark_failed(invoice.pk, exc.code or "card_error")
        raise

    with transaction.atomic():
        updated = TermInvoice.objects.filter(pk=invoice.pk, status=TermInvoice.Status.CHARGING).update(
            status=TermInvoice.Status.PAID, stripe_payment_intent=intent.id
        )
        if updated:
            for line in invoice.lines.select_related("rental"):
                apply_rent_credit(line.rental, line.amount_pence, invoice_id=invoice.pk)
            transaction.on_commit(lambda: _enqueue_receipt(invoice.pk))  # ok: REL004
    logger.info("invoice %s paid with %s", invoice.pk, intent.id)
    return intent.id


def _enqueue_receipt(invoice_id: int) -> None:
    from billing.tasks import send_receipt

    send_receipt(invoice_id)
