"""Aftercare messages the evening after a session.

Beat runs `queue_aftercare_messages`, which fans out one task per booking. Each
task claims its booking with a conditional update before e-mailing, so a
re-delivered or retried task does not send the instructions twice.
"""
import logging
from datetime import timedelta
from smtplib import SMTPException

from celery import shared_task
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import timezone

from bookings.models import Booking

logger = logging.getLogger(__name__)


@shared_task
def queue_aftercare_messages() -> int:
    since = timezone.now() - timedelta(days=1)
    ids = (
        Booking.objects.filter(
            status=Booking.Status.COMPLETED,
            ends_at__gte=since,
            aftercare_sent_at__isnull=True,
        )
        .values_list("id", flat=True)
        .iterator(chunk_size=500)
    )
    count = 0
    for booking_id in ids:
        send_aftercare.delay(booking_id)  # ok: DB001
        count += 1
    logger.info("queued %s aftercare messages", count)
    return count


@shared_task(bind=True, autoretry_for=(SMTPException, OSError), retry_backoff=120, max_retries=3)  # ok: REL002
def send_aftercare(self, booking_id: int) -> bool:
    claimed = Booking.objects.filter(pk=booking_id, aftercare_sent_at__isnull=True).update(
        aftercare_sent_at=timezone.now()
    )
    if not claimed:
        logger.info("aftercare already sent booking=%s", booking_id)
        return False

    booking = Booking.objects.select_related("client", "artist").get(pk=booking_id)
    context = {
        "first_name": booking.client.name.split(" ")[0],
        "artist": booking.artist.display_name,
        "placement": booking.placement,
    }
    try:
        send_mail(  # ok: REL003
            subject="Looking after your new tattoo",
            message=render_to_string("reminders/aftercare.txt", context),
            html_message=render_to_string("reminders/aftercare.html", context),
            from_email=None,
            recipient_list=[booking.client.email],
        )
    except (SMTPException, OSError):
        Booking.objects.filter(pk=booking_id).update(aftercare_sent_at=None)
        logger.warning("aftercare e-mail failed booking=%s attempt=%s", booking_id, self.request.retries,
                       exc_info=True)
        raise
    logger.info("aftercare sent booking=%s", booking_id)
    return True
