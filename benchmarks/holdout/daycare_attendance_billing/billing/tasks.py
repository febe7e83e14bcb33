"""Celery tasks: monthly invoices, autopay charges and processor settlement sync."""
import logging
import os

import requests
from celery import shared_task
from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.utils import timezone

from .invoicing import generate_for_period
from .models import Invoice
from .payments import record_payment

logger = logging.getLogger(__name__)

_session = requests.Session()
_session.headers["Authorization"] = f"Bearer {os.environ['PROCESSOR_API_KEY']}"  # expect: MNT002
_session.headers["Accept"] = "application/json"


@shared_task
def generate_monthly_invoices():
    period = timezone.localdate().replace(day=1) - relativedelta(months=1)
    issued, failed = generate_for_period(period)
    logger.info("invoices for %s: %s issued, %s failed", period, issued, failed)
    return {"period": period.isoformat(), "issued": issued, "failed": failed}


@shared_task
def queue_autopay():
    due = Invoice.objects.filter(
        status="sent", account__autopay=True, due_on__lte=timezone.localdate()
    ).values_list("id", flat=True)
    count = 0
    for invoice_id in due.iterator():
        charge_autopay.delay(invoice_id)
        count += 1
    return count


@shared_task(
    bind=True,
    autoretry_for=(requests.ConnectionError, requests.Timeout),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=5,
)
def charge_autopay(self, invoice_id):
    invoice = Invoice.objects.select_related("account").get(pk=invoice_id)
    if invoice.status != "sent" or not invoice.account.processor_customer_token:
        return "skipped"
    resp = _session.post(  # expect: REL003
        f"{settings.PROCESSOR_URL}/charges",
        json={
            "customer": invoice.account.processor_customer_token,
            "amount": str(invoice.total),
            "currency": "usd",
            "description": f"Sunnyside invoice {invoice.number}",
        },
        timeout=20,
    )
    if resp.status_code == 402:
        logger.warning("autopay declined for invoice %s (account %s)", invoice.id, invoice.account_id)
        return "declined"
    resp.raise_for_status()
    charge = resp.json()
    record_payment(
        invoice.account_id,
        invoice.total,
        processor_ref=charge["id"],
        idempotency_key=f"processor-{charge['id']}",
        invoice_id=invoice.id,
    )
    return charge["id"]


@shared_task
def sync_settlements():
    """Import settled charges made outside the app (front-desk card reader)."""
    cursor = None
    imported = 0
    while True:  # ok: REL002
        params = {"limit": 100, "status": "settled", "source": "terminal"}
        if cursor:
            params["starting_after"] = cursor
        resp = _session.get(f"{settings.PROCESSOR_URL}/charges", params=params, timeout=15)
        resp.raise_for_status()
        page = resp.json()
        for charge in page["data"]:
            account_id = charge.get("metadata", {}).get("account_id")
            if not account_id:
                continue
            record_payment(int(account_id), charge["amount"], processor_ref=charge["id"],
                           idempotency_key=f"processor-{charge['id']}", method="terminal")
            imported += 1
        if not page.get("has_more") or not page["data"]:
            break
        cursor = page["data"][-1]["id"]
    return imported
