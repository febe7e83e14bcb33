"""Monthly mite digest: one e-mail per member summarising last month's varroa counts."""
import logging
from collections import defaultdict
from datetime import date, datetime, time, timedelta
from smtplib import SMTPException

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from .models import DigestSent, Inspection

log = logging.getLogger(__name__)


def _month_bounds(month_iso: str | None) -> tuple[date, date]:
    if month_iso:
        first = date.fromisoformat(month_iso).replace(day=1)
    else:
        today = timezone.localdate()
        first = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    following = (first.replace(day=28) + timedelta(days=4)).replace(day=1)
    return first, following


def _local_midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


@shared_task(bind=True, autoretry_for=(SMTPException, ConnectionError), retry_backoff=True,
             max_retries=3)
def send_monthly_mite_digest(self, month_iso: str | None = None) -> int:
    first, following = _month_bounds(month_iso)
    rows = (
        Inspection.objects.filter(inspected_at__gte=_local_midnight(first),
                                  inspected_at__lt=_local_midnight(following),
                                  varroa_count__isnull=False)
        .select_related("hive__apiary__member__user")
        .order_by("hive__apiary__member_id", "hive_id", "inspected_at")
    )
    by_member = defaultdict(list)
    for inspection in rows.iterator(chunk_size=500):  # ok: DB001
        by_member[inspection.hive.apiary.member].append(inspection)

    sent = 0
    for member, inspections in by_member.items():
        try:
            with transaction.atomic():
                DigestSent.objects.create(member=member, month=first)
                send_mail(  # ok: REL003
                    subject=f"Your varroa digest for {first:%B %Y}",
                    message=render_to_string("hives/email/mite_digest.txt", {
                        "member": member, "inspections": inspections, "month": first,
                    }),
                    from_email=settings.DEFAULT_FROM_EMAIL,
                    recipient_list=[member.user.email],
                )
        except IntegrityError:  # ok: ERR001
            continue
        sent += 1

    log.info("mite digest for %s: %d sent, %d members with counts",
             first.isoformat(), sent, len(by_member))
    return sent
