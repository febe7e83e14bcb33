"""Weekly juror stipend payouts (per diem plus mileage)."""
import logging
from datetime import date, timedelta

import requests
from celery import shared_task
from django.conf import settings
from django.utils import timezone

from summons.models import AttendanceRecord, StipendPayment, Summons

logger = logging.getLogger(__name__)

DAILY_RATE_CENTS = 5000
MILEAGE_RATE_CENTS = 67
PAYOUT_URL = settings.PAYOUT_API_URL.rstrip("/") + "/v2/transfers"


def _payout_headers():
    return {
        "Authorization": f"Bearer {settings.PAYOUT_API_TOKEN}",
        "Content-Type": "application/json",
    }


def _stipend_amount(days, round_trip_miles):
    return days * (DAILY_RATE_CENTS + round_trip_miles * MILEAGE_RATE_CENTS)


@shared_task
def queue_stipends(week_start_iso):
    week_start = date.fromisoformat(week_start_iso)
    week_end = week_start + timedelta(days=7)
    served = (
        Summons.objects.filter(service_date__gte=week_start - timedelta(days=30), days_served__gt=0)
        .select_related("juror")
        .order_by("pk")
    )
    queued = 0
    for summons in served.iterator(chunk_size=500):
        days = AttendanceRecord.objects.filter(  # expect: DB001
            summons=summons, day__gte=week_start, day__lt=week_end
        ).count()
        if not days:
            continue
        amount = _stipend_amount(days, summons.juror.round_trip_miles)  # ok: DB001
        payment, created = StipendPayment.objects.get_or_create(
            summons=summons, week_start=week_start, defaults={"amount_cents": amount}
        )
        if created:
            pay_stipend.delay(payment.pk)
            queued += 1
    logger.info("queued %s stipend payments for week %s", queued, week_start)
    return queued


@shared_task(bind=True, autoretry_for=(requests.RequestException,), retry_backoff=True, max_retries=6)
def pay_stipend(self, payment_id):
    payment = StipendPayment.objects.select_related("summons__juror").get(pk=payment_id)
    if payment.status == StipendPayment.Status.PAID:
        return payment.provider_ref

    juror = payment.summons.juror
    body = {
        "amount": payment.amount_cents,
        "currency": "USD",
        "recipient": {
            "name": f"{juror.first_name} {juror.last_name}",
            "email": juror.email,
            "reference": payment.summons.badge_number,
        },
        "memo": f"Jury service week of {payment.week_start:%b %d, %Y}",
    }
    logger.info("submitting stipend payout payment=%s headers=%s", payment.pk, _payout_headers())  # expect: SEC007
    resp = requests.post(PAYOUT_URL, json=body, headers=_payout_headers())  # expect: REL001, REL003, REL004
    resp.raise_for_status()

    payment.provider_ref = resp.json()["id"]
    payment.status = StipendPayment.Status.PAID
    payment.paid_at = timezone.now()
    payment.save(update_fields=["provider_ref", "status", "paid_at"])
    logger.info("stipend paid payment=%s ref=%s", payment.pk, payment.provider_ref)
    return payment.provider_ref
