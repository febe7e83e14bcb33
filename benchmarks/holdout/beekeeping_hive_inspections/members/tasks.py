"""Annual membership invoices collected by GoCardless direct debit."""
import logging
from datetime import datetime

import pytz
import requests
from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import timezone

from .models import Member, MembershipInvoice

log = logging.getLogger(__name__)
LONDON = pytz.timezone("Europe/London")
GC_HEADERS_VERSION = "2015-07-06"


def _gc_headers() -> dict:
    return {
        "Authorization": f"Bearer {settings.GOCARDLESS_ACCESS_TOKEN}",
        "GoCardless-Version": GC_HEADERS_VERSION,
        "Accept": "application/json",
    }


@shared_task(bind=True, autoretry_for=(requests.RequestException,), retry_backoff=60,
             max_retries=5)
def issue_annual_invoices(self, year: int | None = None) -> int:
    """Invoice every active member with a mandate and request the payment."""
    year = year or datetime.now(LONDON).year
    members = (
        Member.objects.filter(status=Member.ACTIVE, gocardless_mandate_id__isnull=False)
        .select_related("user")
        .order_by("pk")
    )
    issued = 0
    for member in members.iterator(chunk_size=200):
        invoice, _ = MembershipInvoice.objects.get_or_create(
            member=member, year=year, defaults={"amount_pence": member.annual_fee_pence},
        )
        resp = requests.post(  # expect: REL003
            f"{settings.GOCARDLESS_API_BASE}/payments",
            json={"payments": {
                "amount": invoice.amount_pence,
                "currency": "GBP",
                "description": f"Apiary club membership {year}",
                "metadata": {"invoice_id": str(invoice.pk)},
                "links": {"mandate": member.gocardless_mandate_id},
            }},
            headers=_gc_headers(),
            timeout=15,
        )
        resp.raise_for_status()
        invoice.gocardless_payment_id = resp.json()["payments"]["id"]
        invoice.status = MembershipInvoice.SUBMITTED
        invoice.save(update_fields=["gocardless_payment_id", "status"])  # todo-expect: REL004

        send_mail(
            subject=f"Your {year} apiary club membership",
            message=render_to_string("members/email/invoice.txt",
                                     {"member": member, "invoice": invoice}),
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[member.user.email],
        )
        issued += 1

    log.info("issued %d membership invoices for %s", issued, year)
    return issued


@shared_task(ignore_result=True)
def reconcile_invoice_payments() -> None:
    """Pull the latest payment status for invoices still waiting on the bank."""
    pending = (
        MembershipInvoice.objects.filter(status=MembershipInvoice.SUBMITTED)
        .select_related("member__user")
        .order_by("pk")[:500]
    )
    for invoice in pending:  # ok: DB001
        try:
            resp = requests.get(
                f"{settings.GOCARDLESS_API_BASE}/payments/{invoice.gocardless_payment_id}",
                headers=_gc_headers(),
                timeout=10,
            )
            resp.raise_for_status()
        except requests.RequestException:
            log.warning("could not fetch payment for invoice %s", invoice.pk, exc_info=True)
            continue
        status = resp.json()["payments"]["status"]
        if status in ("confirmed", "paid_out"):
            invoice.status = MembershipInvoice.PAID
            invoice.paid_at = timezone.now()
            invoice.save(update_fields=["status", "paid_at"])  # ok: DB003
            log.info("invoice %s paid by member %s", invoice.pk, invoice.member.membership_no)
        elif status in ("failed", "cancelled", "charged_back"):
            invoice.status = MembershipInvoice.FAILED
            invoice.save(update_fields=["status"])
            log.warning("invoice %s payment %s", invoice.pk, status)
