"""Nightly circulation jobs run by Celery beat: fine accrual and overdue reminders."""
import logging
from datetime import date, timedelta

import requests
from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone

from .fines import fine_for
from .models import Fine, Loan

logger = logging.getLogger(__name__)

CLOSURES_URL = "https://calendar.citylibrary.org/api/v1/closures"


def _closed_days(start: date, end: date) -> frozenset:
    """Days all branches were closed (holidays, weather), from the events calendar."""
    resp = requests.get(CLOSURES_URL, params={"from": start.isoformat(), "to": end.isoformat()})  # expect: REL001
    resp.raise_for_status()
    return frozenset(date.fromisoformat(d) for d in resp.json()["dates"])


@shared_task
def accrue_fines():
    today = timezone.localdate()
    try:
        closed = _closed_days(today - timedelta(days=120), today)
    except Exception:  # expect: ERR001
        closed = frozenset()

    overdue = (
        Loan.objects.filter(returned_at__isnull=True, due_at__date__lt=today)
        .select_related("member")
        .order_by("pk")
    )
    touched = 0
    for loan in overdue.iterator(chunk_size=500):
        amount = fine_for(loan, today, closed)
        if amount == 0:
            continue
        fine, created = Fine.objects.get_or_create(  # expect: DB001
            loan=loan, status=Fine.UNPAID, defaults={"amount_cents": amount}
        )
        delta = amount if created else amount - fine.amount_cents
        if not delta:
            continue
        if not created:
            fine.amount_cents = amount
            fine.save(update_fields=["amount_cents"])
        member = loan.member
        member.fine_balance_cents += delta
        member.save(update_fields=["fine_balance_cents"])  # expect: DB004
        touched += 1
    logger.info("fine accrual for %s updated %d loans", today, touched)


@shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def send_overdue_reminders():
    now = timezone.now()
    overdue = (
        Loan.objects.filter(returned_at__isnull=True, due_at__lt=now)
        .select_related("book")
        .order_by("due_at")
    )
    sent = 0
    for loan in overdue.iterator(chunk_size=500):
        days_late = (now - loan.due_at).days
        send_mail(  # expect: REL003
            subject=f"Overdue: {loan.book.title}",
            message=(
                f"\"{loan.book.title}\" was due on {loan.due_at:%B %d} and is now {days_late} days late.\n"
                "Please return it to any branch or renew it online at https://loans.citylibrary.org/account."
            ),
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[loan.member.user.email],  # expect: DB001
        )
        loan.reminder_sent_at = now
        loan.save(update_fields=["reminder_sent_at"])
        sent += 1
    logger.info("sent %d overdue reminders", sent)
