"""Celery tasks: the monthly invoicing run, payment reminders and payment receipts."""
import logging
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMessage, send_mail
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone

from billing.models import Client, Invoice, Payment
from billing.services.invoice_builder import build_invoice
from billing.services.pdf import render_invoice_pdf, store_invoice_pdf

logger = logging.getLogger(__name__)

REMINDER_SCHEDULE_DAYS = (3, 10, 21)


def reminder_recipient(invoice: Invoice) -> str:
    return invoice.client.billing_email


@shared_task
def monthly_invoicing_run():
    period_end = timezone.localdate().replace(day=1) - timedelta(days=1)
    for client in Client.objects.filter(active=True).order_by("pk").iterator():
        invoice = build_invoice(client, period_end)
        if invoice is not None:
            store_invoice_pdf(invoice)
            logger.info("draft invoice %s ready for client %s", invoice.number, client.pk)


@shared_task
def queue_overdue_reminders():
    today = timezone.localdate()
    overdue = Invoice.objects.filter(
        status__in=[Invoice.Status.SENT, Invoice.Status.PARTIALLY_PAID],
        due_on__lt=today,
        reminders_sent__lt=len(REMINDER_SCHEDULE_DAYS),
    )
    for invoice in overdue.iterator():
        days_late = (today - invoice.due_on).days
        if days_late >= REMINDER_SCHEDULE_DAYS[invoice.reminders_sent]:
            send_payment_reminder.delay(invoice.pk, reminder_recipient(invoice))  # expect: DB001


@shared_task(bind=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def send_payment_reminder(self, invoice_id: int, recipient: str):
    invoice = Invoice.objects.select_related("client").get(pk=invoice_id)
    body = render_to_string(
        "emails/payment_reminder.txt",
        {"invoice": invoice, "client": invoice.client, "outstanding": invoice.outstanding},
    )
    message = EmailMessage(
        subject=f"Reminder: invoice {invoice.number} is overdue",
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[recipient],
    )
    message.attach(f"{invoice.number}.pdf", render_invoice_pdf(invoice), "application/pdf")
    message.send()  # expect: REL003
    invoice.reminders_sent = F("reminders_sent") + 1  # ok: DB004
    invoice.last_reminder_at = timezone.now()
    invoice.save(update_fields=["reminders_sent", "last_reminder_at"])
    logger.info("reminder %s sent for invoice %s", invoice_id, invoice.number)


@shared_task(bind=True, max_retries=None)  # expect: REL002
def send_payment_receipt(self, invoice_id: int, payment_id: int):
    try:
        payment = Payment.objects.select_related("invoice__client").get(pk=payment_id, invoice_id=invoice_id)
    except Payment.DoesNotExist as exc:
        raise self.retry(exc=exc, countdown=10)
    invoice = payment.invoice
    send_mail(
        subject=f"Payment received for invoice {invoice.number}",
        message=render_to_string("emails/payment_receipt.txt", {"payment": payment, "invoice": invoice}),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[invoice.client.billing_email],
    )
    logger.info("receipt sent for payment %s on invoice %s", payment.pk, invoice.number)
