"""Day-before SMS reminders, run by Celery beat at 10:00 every day."""
import logging
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.utils import timezone
from twilio.base.exceptions import TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client as TwilioClient

from bookings.models import Booking

logger = logging.getLogger(__name__)

REMINDER_TEMPLATE = (
    "Hi {first_name}, reminder: your tattoo with {artist} is tomorrow at {time}. "
    "Eat well, stay hydrated and bring ID. Need to move it? Call the studio on 0113 496 0000."
)


def _twilio() -> TwilioClient:
    return TwilioClient(
        settings.TWILIO_ACCOUNT_SID,
        settings.TWILIO_AUTH_TOKEN,
        http_client=TwilioHttpClient(timeout=10),
    )


def _tomorrow_range():
    local_now = timezone.localtime()
    start = (local_now + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    return start, start + timedelta(days=1)


@shared_task(
    bind=True,
    autoretry_for=(TwilioRestException, ConnectionError),
    retry_backoff=60,
    max_retries=4,
)
def send_day_before_reminders(self):
    start, end = _tomorrow_range()
    bookings = list(
        Booking.objects.filter(
            status=Booking.Status.CONFIRMED,
            starts_at__gte=start,
            starts_at__lt=end,
            reminder_sent_at__isnull=True,
        )
        .select_related("client", "artist")  # ok: DB001
        .order_by("starts_at")
    )
    if not bookings:
        return 0

    sms = _twilio()
    sent_ids = []
    for booking in bookings:
        if not booking.client.phone:
            logger.info("booking=%s has no phone number, skipping reminder", booking.id)
            continue
        body = REMINDER_TEMPLATE.format(
            first_name=booking.client.name.split(" ")[0],
            artist=booking.artist.display_name,
            time=timezone.localtime(booking.starts_at).strftime("%H:%M"),
        )
        message = sms.messages.create(  # expect: REL003
            to=booking.client.phone,
            from_=settings.TWILIO_FROM_NUMBER,
            body=body,
        )
        logger.info("reminder queued booking=%s sid=%s attempt=%s", booking.id, message.sid, self.request.retries)
        sent_ids.append(booking.id)

    Booking.objects.filter(pk__in=sent_ids).update(reminder_sent_at=timezone.now())
    return len(sent_ids)
