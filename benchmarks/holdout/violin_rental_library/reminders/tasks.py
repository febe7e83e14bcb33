"""Overdue-return reminders for instruments kept past the end of term."""
from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from rentals.models import Rental

logger = logging.getLogger(__name__)

GRACE_DAYS = 3
ESCALATE_AFTER_DAYS = 21


def _reminder_context(rental: Rental, days_late: int) -> dict:
    return {
        "first_name": rental.student.first_name,
        "instrument": f"{rental.instrument.size} {rental.instrument.family}",
        "serial": rental.instrument.serial_number,
        "due_back_on": rental.due_back_on,
        "days_late": days_late,
    }


@db_periodic_task(crontab(hour="8", minute="30"), retries=2, retry_delay=600)
def send_overdue_reminders() -> None:
    today = timezone.localdate()
    cutoff = today - timedelta(days=GRACE_DAYS)
    overdue = (
        Rental.objects.filter(due_back_on__lt=cutoff, returned_on__isnull=True, last_reminder_on__isnull=True)
        .select_related("instrument", "student")
        .order_by("due_back_on")
    )
    reminded: list[int] = []
    for rental in overdue:
        guardian = rental.student.guardian  # expect: DB001
        days_late = (today - rental.due_back_on).days
        try:
            body = render_to_string("reminders/overdue.txt", _reminder_context(rental, days_late))
        except Exception:
            continue  # expect: ERR001
        send_mail(
            subject="Please return your hired instrument",
            message=body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[guardian.email],
        )
        reminded.append(rental.pk)
    Rental.objects.filter(pk__in=reminded).update(last_reminder_on=today)  # expect: REL004
    logger.info("sent %d overdue reminders", len(reminded))


@db_periodic_task(crontab(day_of_week="1", hour="9", minute="0"))
def escalate_long_overdue() -> None:
    """Weekly list to each school of instruments more than three weeks late."""
    today = timezone.localdate()
    cutoff = today - timedelta(days=ESCALATE_AFTER_DAYS)
    rows = (
        Rental.objects.filter(due_back_on__lt=cutoff, returned_on__isnull=True)
        .select_related("student__school", "instrument")
        .order_by("student__school_id", "due_back_on")
    )
    by_school: dict[int, list[Rental]] = {}
    for rental in rows.iterator(chunk_size=500):
        by_school.setdefault(rental.student.school_id, []).append(rental)
    for school_rentals in by_school.values():
        notify_school.schedule(args=([r.pk for r in school_rentals],), delay=0)


@db_task(retries=2, retry_delay=300)
def notify_school(rental_ids: list[int]) -> None:
    rentals = list(Rental.objects.filter(pk__in=rental_ids).select_related("student__school", "instrument"))
    if not rentals:
        return
    school = rentals[0].student.school
    body = render_to_string("reminders/school_escalation.txt", {"school": school, "rentals": rentals})
    send_mail(
        subject=f"Instruments overdue for return: {school.name}",
        message=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[school.billing_email],
    )
    logger.info("escalated %d overdue rentals to school %s", len(rentals), school.pk)
