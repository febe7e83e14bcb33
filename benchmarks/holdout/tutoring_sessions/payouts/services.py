"""Payout ledger used by the finance dashboard for manual and corrective payouts."""
import logging
from datetime import date, datetime, time, timedelta

import requests
from django.conf import settings
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from bookings.models import Payout, TutoringSession

logger = logging.getLogger(__name__)

CENTS_PER_CREDIT = 1250
PLATFORM_FEE_PERCENT = 20
TRANSFER_TIMEOUT = (3.05, 20)


class PayoutAlreadyHandled(Exception):
    """Another worker or an earlier run already sent or is sending this payout."""


def net_cents(credits: int) -> int:
    gross = credits * CENTS_PER_CREDIT
    return gross - gross * PLATFORM_FEE_PERCENT // 100


def _window(period_start: date, period_end: date) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    return (
        datetime.combine(period_start, time.min, tzinfo=tz),
        datetime.combine(period_end + timedelta(days=1), time.min, tzinfo=tz),
    )


def unpaid_earnings(period_start: date, period_end: date) -> list[dict]:
    """One row per tutor, aggregated in the database."""
    window_start, window_end = _window(period_start, period_end)
    return list(
        TutoringSession.objects.filter(
            status=TutoringSession.Status.COMPLETED,
            paid_out=False,
            payout__isnull=True,
            starts_at__gte=window_start,
            starts_at__lt=window_end,
        )
        .values("tutor_id")
        .annotate(credits=Sum("credits_charged"))
        .order_by("tutor_id")
    )


def prepare_payout(tutor_id: int, period_start: date, period_end: date, credits: int) -> Payout:
    window_start, window_end = _window(period_start, period_end)
    with transaction.atomic():
        payout, created = Payout.objects.get_or_create(
            tutor_id=tutor_id,
            period_start=period_start,
            defaults={"period_end": period_end, "amount_cents": net_cents(credits)},
        )
        if created:
            TutoringSession.objects.filter(
                tutor_id=tutor_id,
                status=TutoringSession.Status.COMPLETED,
                payout__isnull=True,
                starts_at__gte=window_start,
                starts_at__lt=window_end,
            ).update(payout=payout)
    return payout


def send_payout(payout_id: int) -> Payout:
    claimed = Payout.objects.filter(
        pk=payout_id, status__in=[Payout.Status.PENDING, Payout.Status.FAILED]
    ).update(status=Payout.Status.SENDING)
    if not claimed:
        raise PayoutAlreadyHandled(payout_id)
    payout = Payout.objects.select_related("tutor").get(pk=payout_id)

    try:
        resp = requests.post(  # ok: REL003
            f"{settings.PAYOUT_API_BASE}/transfers",
            json={
                "destination": payout.tutor.payout_account_id,
                "amount": payout.amount_cents,
                "currency": "usd",
                "description": f"LearnLoop tutoring {payout.period_start:%d %b} - {payout.period_end:%d %b}",
            },
            headers={
                "Authorization": f"Bearer {settings.PAYOUT_API_KEY}",
                "Idempotency-Key": f"payout-{payout.id}",
            },
            timeout=TRANSFER_TIMEOUT,
        )
        resp.raise_for_status()
    except requests.RequestException:
        Payout.objects.filter(pk=payout.id).update(status=Payout.Status.FAILED)
        logger.exception("transfer failed payout_id=%s tutor_id=%s", payout.id, payout.tutor_id)
        raise

    with transaction.atomic():
        Payout.objects.filter(pk=payout.id).update(status=Payout.Status.SENT, provider_reference=resp.json()["id"])
        payout.sessions.update(paid_out=True)
    logger.info("payout sent payout_id=%s amount_cents=%s", payout.id, payout.amount_cents)
    return payout
