"""Day-before reminders for students and waitlist notices.

send_session_reminders runs hourly from beat and picks up every confirmed
booking whose session starts between 23 and 25 hours from now.
"""
import datetime as dt
import logging
from smtplib import SMTPException
from zoneinfo import ZoneInfo

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone

from workshops.models import Booking

logger = logging.getLogger(__name__)
STUDIO_TZ = ZoneInfo(settings.TIME_ZONE)

REMINDER_TEMPLATE = """Hi {first_name},

See you tomorrow at {time} for "{title}" with {instructor}.
You booked {seats} seat(s). Wear closed-toe shoes and natural-fibre clothes;
we provide safety glasses.

Ember & Breath Glass Studio
"""


def _reminder_context(booking: Booking) -> dict:
    session = booking.session
    workshop = session.workshop
    return {
        "email": booking.user.email,
        "first_name": booking.user.first_name or "there",
        "time": session.starts_at.astimezone(STUDIO_TZ).strftime("%-I:%M %p"),
        "title": workshop.title,
        "instructor": workshop.instructor.display_name,
        "seats": booking.seats,
    }


@shared_task(autoretry_for=(SMTPException, OSError), retry_backoff=True, max_retries=3)
def send_session_reminders() -> int:
    now = timezone.now()
    window = (now + dt.timedelta(hours=23), now + dt.timedelta(hours=25))
    bookings = Booking.objects.filter(
        status="confirmed",
        reminder_sent_at__isnull=True,
        session__starts_at__range=window,
    ).order_by("session__starts_at")

    sent_ids = []
    for booking in bookings:
        context = _reminder_context(booking)  # expect: DB001
        send_mail(  # expect: REL003
            f"Tomorrow: {context['title']}",
            REMINDER_TEMPLATE.format(**context),
            settings.STUDIO_FROM_EMAIL,
            [context["email"]],
        )
        sent_ids.append(booking.pk)

    Booking.objects.filter(pk__in=sent_ids).update(reminder_sent_at=timezone.now())
    logger.info("sent %d session reminders", len(sent_ids))
    return len(sent_ids)


@shared_task(autoretry_for=(SMTPException, OSError), retry_backoff=True, max_retries=3)
def send_cancellation_notice(booking_id: int) -> None:
    """Confirm to a student that their booking was cancelled and refunded."""
    booking = Booking.objects.select_related("user", "session__workshop").get(pk=booking_id)
    send_mail(
        f"Cancelled: {booking.session.workshop.title}",
        f"Hi {booking.user.first_name or 'there'}, your booking for "
        f"{booking.session.starts_at.astimezone(STUDIO_TZ):%A %B %-d at %-I:%M %p} is cancelled. "
        f"The refund of ${booking.amount_cents / 100:.2f} is on its way to your card.",
        settings.STUDIO_FROM_EMAIL,
        [booking.user.email],
    )
