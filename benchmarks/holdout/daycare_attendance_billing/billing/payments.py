"""Recording payments against a family's balance.

Used by the portal, the autopay task and the settlement sync. Every caller passes
an idempotency key, so the same processor charge is never applied twice.
"""
import logging
from decimal import Decimal

from django.db import transaction

from .models import BillingAccount, Invoice, Payment

logger = logging.getLogger(__name__)


def record_payment(account_id, amount, *, idempotency_key, processor_ref=None,
                   method="card", invoice_id=None):
    """Apply a settled payment and return it; a repeated key returns the first one."""
    amount = Decimal(amount)
    if amount <= 0:
        raise ValueError("payment amount must be positive")

    with transaction.atomic():
        account = BillingAccount.objects.select_for_update().get(pk=account_id)
        existing = Payment.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:  # ok: DB005
            return existing
        payment = Payment.objects.create(
            account=account,
            invoice_id=invoice_id,
            amount=amount,
            method=method,
            processor_ref=processor_ref,
            idempotency_key=idempotency_key,
        )
        account.balance -= amount  # ok: DB004
        account.save(update_fields=["balance", "updated_at"])
        if invoice_id is not None:
            Invoice.objects.filter(pk=invoice_id, account_id=account_id, status="sent").update(status="paid")

        from alerts.tasks import send_payment_receipt

        transaction.on_commit(lambda: send_payment_receipt.delay(payment.id))  # ok: REL004
    logger.info("payment %s of %s applied to account %s", payment.id, amount, account_id)
    return payment


def account_statement(account_id, months=12):
    """Recent invoices and payments for one account, newest first."""
    invoices = list(
        Invoice.objects.filter(account_id=account_id)
        .order_by("-period")
        .values("number", "period", "total", "status")[:months]
    )
    payments = list(
        Payment.objects.filter(account_id=account_id)
        .order_by("-received_at")
        .values("received_at", "amount", "method")[: months * 4]
    )
    balance = BillingAccount.objects.values_list("balance", flat=True).get(pk=account_id)
    return {"balance": balance, "invoices": invoices, "payments": payments}
