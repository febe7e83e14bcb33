"""Evening digest for instructors: tomorrow's sessions and who is coming.

One Celery task per instructor, so a mail failure retries only that
instructor's digest. A cache key set before sending (and removed again if the
send fails) keeps a retried or doubly-scheduled task from mailing twice.
"""
import datetime as dt
import logging
from smtplib import SMTPException
from zoneinfo import ZoneInfo

from celery import shared_task
from django.conf import settings
from django.core.cache import cache
from django.core.mail import send_mail
from django.db.models import Prefetch, Q, Sum
from django.utils import timezone

from workshops.models import Booking, Instructor, WorkshopSession

logger = logging.getLogger(__name__)
STUDIO_TZ = ZoneInfo(settings.TIME_ZONE)
SENT_MARK_SECONDS = 3 * 24 * 3600


def _tomorrow_bounds(today: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime.combine(today + dt.timedelta(days=1), dt.time.min, tzinfo=STUDIO_TZ)
    return start, start + dt.timedelta(days=1)


@shared_task
def send_instructor_digests() -> int:
    start, end = _tomorrow_bounds(timezone.localdate())
    instructor_ids = (
        Instructor.objects.filter(workshops__sessions__starts_at__gte=start, workshops__sessions__starts_at__lt=end)
        .values_list("pk", flat=True)
        .distinct()
    )
    day = start.date().isoformat()
    queued = 0
    for instructor_id in instructor_ids:
        send_one_digest.delay(instructor_id, day)
        queued += 1
    return queued


@shared_task(autoretry_for=(SMTPException, OSError), retry_backoff=True, max_retries=3)
def send_one_digest(instructor_id: int, day: str) -> bool:
    mark = f"digest-sent:{instructor_id}:{day}"
    if not cache.add(mark, "1", SENT_MARK_SECONDS):
        return False
    start = dt.datetime.combine(dt.date.fromisoformat(day), dt.time.min, tzinfo=STUDIO_TZ)
    instructor = Instructor.objects.select_related("user").get(pk=instructor_id)
    confirmed = Booking.objects.filter(status="confirmed").select_related("user")
    sessions = (
        WorkshopSession.objects.filter(workshop__instructor=instructor, starts_at__gte=start,
                                       starts_at__lt=start + dt.timedelta(days=1))
        .select_related("workshop")
        .annotate(attending=Sum("bookings__seats", filter=Q(bookings__status="confirmed")))
        .prefetch_related(Prefetch("bookings", queryset=confirmed, to_attr="confirmed_bookings"))
        .order_by("starts_at")
    )
    lines = []
    for session in sessions:  # ok: DB001
        names = ", ".join(b.user.get_full_name() or b.user.email for b in session.confirmed_bookings)
        lines.append(f"{session.starts_at.astimezone(STUDIO_TZ):%-I:%M %p}  {session.workshop.title} "
                     f"({session.attending or 0}/{session.capacity}): {names or 'no one yet'}")
    try:
        send_mail(
            f"Your sessions on {day}",
            "\n".join(lines) or "No sessions tomorrow.",
            settings.STUDIO_FROM_EMAIL,
            [instructor.user.email],
        )
    except Exception:
        cache.delete(mark)
        raise
    logger.info("digest sent to instructor %s for %s", instructor_id, day)
    return True

