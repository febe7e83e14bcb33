"""Celery tasks: monthly invoice run, charging invoices and member credit."""
import logging
from datetime import date, timedelta

import stripe
from celery import shared_task
from django.conf import settings
from django.db.models import F
from django.utils import timezone

from workspace.models import Invoice, Member

from .invoices import generate_monthly_invoices

logger = logging.getLogger(__name__)
stripe.api_key = settings.STRIPE_SECRET_KEY

RETRYABLE_STRIPE_ERRORS = (stripe.error.APIConnectionError, stripe.error.RateLimitError)


@shared_task
def generate_invoices_for_last_month() -> int:
    today = timezone.localdate()
    if today.day != 1:
        return 0
    first_of_last_month = (today - timedelta(days=1)).replace(day=1)
    return generate_monthly_invoices(first_of_last_month)


@shared_task(
    bind=True,
    autoretry_for=RETRYABLE_STRIPE_ERRORS,
    retry_backoff=True,
    retry_backoff_max=600,
    retry_kwargs={"max_retries": 5},  # ok: REL002
)
def charge_invoice(self, invoice_id: int) -> str:
    invoice = Invoice.objects.select_related("member").get(pk=invoice_id)
    if invoice.status != Invoice.Status.OPEN:
        return invoice.status
    member = invoice.member
    due = invoice.amount_cents

    credit_used = min(member.account_credit_cents, due)
    if credit_used:
        member.account_credit_cents = member.account_credit_cents - credit_used
        member.save(update_fields=["account_credit_cents"])  # expect: DB004
        due -= credit_used

    if due > 0:
        try:
            intent = stripe.PaymentIntent.create(  # expect: REL003
                amount=due,
                currency=settings.BILLING_CURRENCY,
                customer=member.stripe_customer_id,
                payment_method=member.default_payment_method,
                off_session=True,
                confirm=True,
                metadata={"invoice_id": invoice.pk},
            )
        except stripe.error.CardError as exc:
            logger.warning("card declined for invoice %s: %s", invoice.pk, exc.user_message)
            invoice.status = Invoice.Status.FAILED
            invoice.credit_applied_cents = credit_used
            invoice.save(update_fields=["status", "credit_applied_cents"])
            return invoice.status
        invoice.stripe_payment_intent_id = intent.id

    invoice.credit_applied_cents = credit_used
    invoice.status = Invoice.Status.PAID if due == 0 else Invoice.Status.PROCESSING
    if due == 0:
        invoice.paid_at = timezone.now()
    invoice.save()
    logger.info("invoice %s charged: %s cents, %s cents credit", invoice.pk, due, credit_used)
    return invoice.status


@shared_task
def add_referral_credit(member_id: int, amount_cents: int) -> None:
    if amount_cents <= 0:
        raise ValueError("credit must be positive")
    updated = Member.objects.filter(pk=member_id, is_active=True).update(
        account_credit_cents=F("account_credit_cents") + amount_cents  # ok: DB004
    )
    if not updated:
        logger.warning("referral credit skipped: member %s inactive or missing", member_id)


@shared_task
def report_failed_invoices(since: str | None = None) -> int:
    start = date.fromisoformat(since) if since else timezone.localdate().replace(day=1)
    count = Invoice.objects.filter(status=Invoice.Status.FAILED, period__gte=start).count()
    logger.info("%d failed invoices since %s", count, start)
    return count
