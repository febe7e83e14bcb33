"""Weather cancellations (v2): one task decides, one task per night notifies.

Each recipient gets a CancellationNotice row before any email goes out, and the
row is stamped as soon as its email is sent, so a retried task only sends what
is still outstanding.
"""
import logging
from datetime import date
from smtplib import SMTPException

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from scheduling.models import CancellationNotice, GuestTicketOrder, ObservingNight, SlotRequest
from weather.feed_client import WeatherUnavailable, get_client
from weather.tasks import _is_unobservable

logger = logging.getLogger(__name__)


@shared_task(bind=True, autoretry_for=(WeatherUnavailable,), retry_backoff=120, retry_backoff_max=900, max_retries=4)
def decide_tonight(self):
    forecast = get_client().tonight(settings.SITE_CODE)
    if forecast.stale:
        logger.warning("deciding on a cached forecast for %s", forecast.night_of)
    payload = {"night_hours": forecast.night_hours}

    nights = ObservingNight.objects.filter(date=date.today(), status=ObservingNight.OPEN).select_related("telescope")
    for night in nights:
        unobservable, reason = _is_unobservable(payload, night.telescope.max_wind_kmh)
        if not unobservable:
            continue
        with transaction.atomic():
            changed = ObservingNight.objects.filter(pk=night.pk, status=ObservingNight.OPEN).update(
                status=ObservingNight.CANCELLED
            )
            if changed:
                transaction.on_commit(lambda n=night.pk, r=reason: notify_cancellation.delay(n, r))
        logger.info("night %s cancelled for %s", night.pk, reason)


@shared_task(
    bind=True,
    autoretry_for=(SMTPException, ConnectionError),
    retry_backoff=60,
    retry_backoff_max=1800,
    max_retries=6,
)
def notify_cancellation(self, night_id: int, reason: str):
    night = ObservingNight.objects.select_related("telescope").get(pk=night_id)
    observers = SlotRequest.objects.filter(night_id=night_id, status=SlotRequest.ALLOCATED).values_list(
        "observer__email", flat=True
    )
    guests = GuestTicketOrder.objects.filter(night_id=night_id, status=GuestTicketOrder.PAID).values_list(
        "email", flat=True
    )
    recipients = sorted(set(observers) | set(guests))
    CancellationNotice.objects.bulk_create(
        [CancellationNotice(night_id=night_id, recipient=email) for email in recipients],
        ignore_conflicts=True,
    )

    subject = f"{night.telescope.name}: tonight ({night.date}) is cancelled"
    body = f"The forecast for tonight shows {reason}, so tonight's session is cancelled."
    outstanding = CancellationNotice.objects.filter(night_id=night_id, sent_at__isnull=True).order_by("pk")
    sent = 0
    for notice in outstanding.iterator():
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [notice.recipient])  # ok: REL003
        CancellationNotice.objects.filter(pk=notice.pk).update(sent_at=timezone.now())  # ok: DB003
        sent += 1
    logger.info("night %s: %d cancellation notices sent", night_id, sent)
    return sent
