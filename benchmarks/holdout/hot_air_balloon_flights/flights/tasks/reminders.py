"""Day-before reminders with meeting point and what to wear."""
import datetime
import logging
import random
import smtplib

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone

from ..models import Booking, Flight

logger = logging.getLogger(__name__)

REMINDER_TEMPLATE = (
    "Hello {name},\n\n"
    "This is a reminder of your {session} balloon flight from {site} on {date:%A %d %B}.\n"
    "Please arrive at the launch field 15 minutes early, wear flat shoes and bring a hat.\n"
    "We confirm the weather by 4:30am on the day; you will get a message if we cannot fly.\n"
)


def _send_reminder(booking: Booking) -> None:
    flight = booking.flight
    send_mail(
        subject=f"Your balloon flight tomorrow from {flight.site.name}",
        message=REMINDER_TEMPLATE.format(
            name=booking.customer.first_name or "there",
            session=flight.session,
            site=flight.site.name,
            date=flight.flight_date,
        ),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[booking.customer.email],
    )


@shared_task(bind=True, max_retries=3)
def send_booking_reminder(self, booking_id: int):
    """Send one reminder; a booking is claimed before sending so it is mailed once."""
    claimed = Booking.objects.filter(  # ok: REL003
        pk=booking_id, reminder_sent_at__isnull=True, status=Booking.Status.PAID
    ).update(reminder_sent_at=timezone.now())
    if not claimed:
        return
    booking = Booking.objects.select_related("customer", "flight__site").get(pk=booking_id)
    try:
        _send_reminder(booking)
    except smtplib.SMTPException as exc:
        Booking.objects.filter(pk=booking_id).update(reminder_sent_at=None)
        logger.warning("reminder failed booking=%s attempt=%s", booking_id, self.request.retries, exc_info=True)
        raise self.retry(exc=exc, countdown=60 * (2 ** self.request.retries) + random.randint(0, 30))  # ok: SEC010


@shared_task
def send_flight_reminders():
    """Fan out one reminder task per paid booking on tomorrow's flights."""
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    booking_ids = (
        Booking.objects.filter(
            flight__flight_date=tomorrow,
            flight__status__in=[Flight.Status.SCHEDULED, Flight.Status.CONFIRMED],
            status=Booking.Status.PAID,
            reminder_sent_at__isnull=True,
        )
        .values_list("pk", flat=True)
        .iterator(chunk_size=500)
    )
    queued = 0
    for booking_id in booking_ids:
        send_booking_reminder.delay(booking_id)
        queued += 1
    logger.info("reminders queued count=%s date=%s", queued, tomorrow)
    return queued
