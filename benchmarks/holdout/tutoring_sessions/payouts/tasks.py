"""Weekly tutor payouts, run by Celery beat every Monday."""
import logging
import time
from collections import defaultdict
from datetime import date, datetime, timedelta

import requests
from celery import shared_task
from django.conf import settings
from django.utils import timezone

from bookings.models import Payout, TutoringSession

logger = logging.getLogger(__name__)

CENTS_PER_CREDIT = 1250
PLATFORM_FEE_PERCENT = 20


def previous_week(today: date) -> tuple[date, date]:
    start = today - timedelta(days=today.weekday() + 7)
    return start, start + timedelta(days=6)


def _send_transfer(payout: Payout) -> str:
    body = {
        "destination": payout.tutor.payout_account_id,
        "amount": payout.amount_cents,
        "currency": "usd",
        "description": f"LearnLoop tutoring {payout.period_start:%d %b} - {payout.period_end:%d %b}",
    }
    headers = {"Authorization": f"Bearer {settings.PAYOUT_API_KEY}"}
    for attempt in range(3):  # ok: REL002
        try:
            resp = requests.post(f"{settings.PAYOUT_API_BASE}/transfers", json=body, headers=headers, timeout=15)  # expect: REL003
            resp.raise_for_status()
            return resp.json()["id"]
        except (requests.ConnectionError, requests.Timeout):
            if attempt == 2:
                raise
            time.sleep(2 ** attempt)


@shared_task
def run_weekly_payouts() -> None:
    period_start, period_end = previous_week(timezone.localdate())
    tz = timezone.get_current_timezone()
    window_start = datetime.combine(period_start, datetime.min.time(), tzinfo=tz)
    window_end = datetime.combine(period_end + timedelta(days=1), datetime.min.time(), tzinfo=tz)
    sessions = list(
        TutoringSession.objects.filter(
            status=TutoringSession.Status.COMPLETED,
            paid_out=False,
            starts_at__gte=window_start,
            starts_at__lt=window_end,
        )
    )

    earnings: dict[int, int] = defaultdict(int)
    tutors = {}
    for session in sessions:
        tutor = session.tutor  # expect: DB001
        tutors[tutor.id] = tutor
        gross = session.credits_charged * CENTS_PER_CREDIT
        earnings[tutor.id] += gross - gross * PLATFORM_FEE_PERCENT // 100

    paid: dict[int, Payout] = {}
    for tutor_id, amount in earnings.items():
        payout, _ = Payout.objects.get_or_create(
            tutor=tutors[tutor_id],
            period_start=period_start,
            defaults={"period_end": period_end, "amount_cents": amount},
        )
        try:
            payout.provider_reference = _send_transfer(payout)
        except requests.RequestException as exc:
            logger.error("payout failed payout_id=%s tutor_id=%s: %s", payout.id, tutor_id, exc)  # expect: OBS002
            payout.status = Payout.Status.FAILED
            payout.save(update_fields=["status"])
            continue
        payout.status = Payout.Status.SENT
        payout.save(update_fields=["status", "provider_reference"])
        paid[tutor_id] = payout

    for session in sessions:
        if session.tutor_id in paid:
            session.paid_out = True
            session.payout = paid[session.tutor_id]
            session.save(update_fields=["paid_out", "payout"])  # expect: DB003
    logger.info("weekly payouts period=%s tutors=%d paid=%d", period_start, len(earnings), len(paid))


@shared_task
def retry_failed_payouts() -> None:
    for payout in Payout.objects.filter(status=Payout.Status.FAILED).select_related("tutor")[:200]:
        try:
            payout.provider_reference = _send_transfer(payout)
        except requests.RequestException:
            logger.exception("payout retry failed payout_id=%s", payout.id)
            continue
        payout.status = Payout.Status.SENT
        payout.save(update_fields=["status", "provider_reference"])
