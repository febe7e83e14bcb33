"""Monthly studio fees: invoice every active member, then charge the card on file."""
import logging

import requests
from celery import shared_task
from django.conf import settings
from django.utils import timezone

from .models import Member, StudioFeeInvoice
from .payments_client import processor_session

logger = logging.getLogger(__name__)


def billing_period(today=None):
    today = today or timezone.localdate()
    return today.replace(day=1)


@shared_task
def bill_monthly_fees():
    period = billing_period()
    created = queued = 0
    members = Member.objects.filter(active=True).only("pk", "monthly_fee_pence").order_by("pk")
    for member in members.iterator(chunk_size=500):
        invoice, was_created = StudioFeeInvoice.objects.get_or_create(  # ok: DB005
            member=member, period=period, defaults={"amount_pence": member.monthly_fee_pence}
        )
        created += was_created
        if invoice.status == "open":
            charge_studio_fee.delay(invoice.pk)
            queued += 1
    logger.info("fee run %s: %d invoices created, %d charges queued", period, created, queued)


@shared_task(
    bind=True,
    autoretry_for=(requests.RequestException,),
    retry_backoff=30,
    retry_jitter=True,
    max_retries=5,
)
def charge_studio_fee(self, invoice_id):
    invoice = StudioFeeInvoice.objects.select_related("member").get(pk=invoice_id)
    if invoice.status != "open":
        return
    member = invoice.member
    resp = processor_session().post(  # expect: REL003
        f"{settings.CARD_PROCESSOR['BASE_URL']}/v2/payments",
        json={
            "source_id": member.card_on_file_id,
            "customer_id": member.processor_customer_id,
            "amount_money": {"amount": invoice.amount_pence, "currency": "GBP"},
            "location_id": settings.CARD_PROCESSOR["LOCATION_ID"],
            "reference_id": f"studio-fee-{invoice.pk}",
            "note": f"Studio fee {invoice.period:%B %Y}",
        },
        timeout=20,
    )
    if resp.status_code == 402:
        invoice.status = "failed"
        invoice.save(update_fields=["status"])
        logger.warning("studio fee declined for invoice %s (member %s)", invoice.pk, member.pk)
        return
    resp.raise_for_status()
    payment = resp.json()
    invoice.status = "paid"
    invoice.processor_payment_id = payment["id"]
    invoice.paid_at = timezone.now()
    invoice.save(update_fields=["status", "processor_payment_id", "paid_at"])
    logger.info("studio fee invoice %s paid (payment %s)", invoice.pk, payment["id"])
