"""Celery tasks that e-mail members before their meeting-room bookings."""
import logging
from datetime import timedelta
from smtplib import SMTPException

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone

from workspace.models import RoomBooking

logger = logging.getLogger(__name__)

REMINDER_LEAD = timedelta(hours=1)
WINDOW = timedelta(minutes=10)
MAX_PER_RUN = 500


@shared_task
def queue_room_reminders() -> int:
    now = timezone.now()
    due_ids = list(
        RoomBooking.objects.filter(
            status=RoomBooking.Status.CONFIRMED,
            reminder_sent_at__isnull=True,
            starts_at__gte=now + REMINDER_LEAD - WINDOW,
            starts_at__lt=now + REMINDER_LEAD + WINDOW,
        )
        .order_by("starts_at")
        .values_list("pk", flat=True)[:MAX_PER_RUN]
    )
    for booking_id in due_ids:
        send_room_reminder.delay(booking_id)
    if due_ids:
        logger.info("queued %d room reminders", len(due_ids))
    return len(due_ids)


def _message(booking: RoomBooking) -> tuple[str, str]:
    local_start = timezone.localtime(booking.starts_at)
    subject = f"Reminder: {booking.room.name} at {local_start:%H:%M}"
    body = (
        f"Hi {booking.member.user.first_name or 'there'},\n\n"
        f"your booking of {booking.room.name} starts at {local_start:%H:%M} on {local_start:%A %d %B}.\n"
        f"Need to cancel? Visit https://desks.example.com/bookings/rooms/{booking.uuid}\n"
    )
    return subject, body


@shared_task(bind=True, max_retries=3)
def send_room_reminder(self, booking_id: int) -> bool:
    claimed = RoomBooking.objects.filter(
        pk=booking_id, status=RoomBooking.Status.CONFIRMED, reminder_sent_at__isnull=True
    ).update(reminder_sent_at=timezone.now())  # ok: DB005
    if not claimed:
        return False

    booking = RoomBooking.objects.select_related("room", "member__user").get(pk=booking_id)
    subject, body = _message(booking)
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [booking.member.user.email], fail_silently=False)
    except (SMTPException, OSError) as exc:
        RoomBooking.objects.filter(pk=booking_id).update(reminder_sent_at=None)
        logger.warning("reminder for booking %s failed (attempt %d)", booking_id, self.request.retries + 1, exc_info=True)
        raise self.retry(exc=exc, countdown=60 * 2**self.request.retries)  # ok: REL002
    logger.info("reminder sent for room booking %s", booking_id)
    return True
