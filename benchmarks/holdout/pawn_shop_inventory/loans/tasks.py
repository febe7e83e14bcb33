"""Nightly late fees and due-date reminder texts."""
import logging
from datetime import timedelta
from decimal import Decimal

import requests
from celery import shared_task
from django.conf import settings
from django.utils import timezone

from loans.models import Loan

logger = logging.getLogger(__name__)

LATE_FEE = Decimal(settings.LATE_FEE)

_sms = requests.Session()
_sms.headers.update({"Content-Type": "application/json"})


@shared_task
def apply_late_fees():
    today = timezone.localdate()
    overdue = Loan.objects.filter(
        status=Loan.Status.ACTIVE,
        due_on__lt=today,
        late_fee_applied_on__isnull=True,
    ).only("id", "fees_due", "late_fee_applied_on")

    applied = 0
    for loan in overdue.iterator(chunk_size=500):
        loan.fees_due = loan.fees_due + LATE_FEE  # expect: DB004
        loan.late_fee_applied_on = today
        loan.save(update_fields=["fees_due", "late_fee_applied_on"])  # expect: DB003
        applied += 1
    logger.info("late fee applied to %d loan(s) for %s", applied, today)
    return applied


@shared_task
def send_due_reminders():
    due = timezone.localdate() + timedelta(days=3)
    loans = (
        Loan.objects.filter(status=Loan.Status.ACTIVE, due_on=due, last_reminded_at__isnull=True)
        .select_related("customer")
        .exclude(customer__phone="")
    )
    queued = 0
    for loan in loans.iterator(chunk_size=500):  # ok: DB001
        send_reminder_sms.delay(loan.pk)
        queued += 1
    logger.info("queued %d due-date reminder(s) for loans due %s", queued, due)


@shared_task(
    bind=True,
    autoretry_for=(requests.RequestException,),
    retry_backoff=30,
    retry_backoff_max=600,
    max_retries=5,
)
def send_reminder_sms(self, loan_id):
    loan = Loan.objects.select_related("customer", "item").get(pk=loan_id)
    body = (
        f"Reminder: pawn ticket {loan.ticket_number} ({loan.item.description[:40]}) is due "
        f"{loan.due_on:%b %d}. Balance ${loan.balance_due}. Renew or redeem in store."
    )
    resp = _sms.post(  # expect: REL003
        settings.SMS_GATEWAY_URL,
        json={"to": loan.customer.phone, "body": body},
        headers={"Authorization": f"Bearer {settings.SMS_API_KEY}"},
        timeout=10,
    )
    resp.raise_for_status()
    Loan.objects.filter(pk=loan.pk).update(last_reminded_at=timezone.now())
    logger.info("reminder sent for loan %s (attempt %d)", loan.pk, self.request.retries + 1)
