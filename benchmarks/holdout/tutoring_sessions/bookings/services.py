"""Booking rules shared by the mobile API and the support tools."""
import logging
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from bookings.models import CreditAccount, StudentProfile, TutoringSession, TutorProfile
from bookings.video_rooms import create_room_for_session

logger = logging.getLogger(__name__)

MIN_NOTICE = timedelta(hours=2)
MAX_DURATION_MINUTES = 240


class BookingError(Exception):
    status_code = 400


class SlotUnavailable(BookingError):
    status_code = 409


class InsufficientCredits(BookingError):
    status_code = 402


def session_cost(tutor: TutorProfile, duration_minutes: int) -> int:
    return max(1, tutor.hourly_rate_credits * duration_minutes // 60)


def book_session(*, student: StudentProfile, tutor_id: int, subject_id: int,
                 starts_at: datetime, duration_minutes: int = 60) -> TutoringSession:
    if starts_at < timezone.now() + MIN_NOTICE:
        raise BookingError("sessions must be booked at least 2 hours ahead")
    if not 30 <= duration_minutes <= MAX_DURATION_MINUTES:
        raise BookingError("sessions last between 30 minutes and 4 hours")
    ends_at = starts_at + timedelta(minutes=duration_minutes)

    with transaction.atomic():
        tutor = TutorProfile.objects.select_for_update().get(pk=tutor_id, is_active=True)
        candidates = TutoringSession.objects.filter(
            tutor=tutor,
            status=TutoringSession.Status.BOOKED,
            starts_at__lt=ends_at,
            starts_at__gt=starts_at - timedelta(minutes=MAX_DURATION_MINUTES),
        ).only("starts_at", "duration_minutes")
        if any(s.starts_at + timedelta(minutes=s.duration_minutes) > starts_at for s in candidates):  # ok: DB005
            raise SlotUnavailable("the tutor is already booked at that time")

        cost = session_cost(tutor, duration_minutes)
        charged = CreditAccount.objects.filter(student=student, balance__gte=cost).update(
            balance=F("balance") - cost  # ok: DB004
        )
        if not charged:
            raise InsufficientCredits("not enough credits for this session")

        session = TutoringSession.objects.create(
            tutor=tutor,
            student=student,
            subject_id=subject_id,
            starts_at=starts_at,
            duration_minutes=duration_minutes,
            credits_charged=cost,
        )
        transaction.on_commit(lambda: create_room_for_session.delay(session.id))  # ok: REL004

    logger.info("session booked session_id=%s student_id=%s tutor_id=%s", session.id, student.id, tutor_id)
    return session


def complete_session(*, tutor_user, session_id: int) -> TutoringSession:
    with transaction.atomic():
        session = (
            TutoringSession.objects.select_for_update()
            .filter(pk=session_id, tutor__user=tutor_user)
            .first()
        )
        if session is None:
            raise TutoringSession.DoesNotExist(session_id)
        if session.status != TutoringSession.Status.BOOKED or session.starts_at > timezone.now():
            raise BookingError("session cannot be completed yet")
        session.status = TutoringSession.Status.COMPLETED
        session.save(update_fields=["status"])
    logger.info("session completed session_id=%s", session_id)
    return session
