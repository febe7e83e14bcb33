"""Extractor booking rules, shared by the members' app API and the admin."""
import logging
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F

from members.models import Member

from .models import Extractor, ExtractorBooking

log = logging.getLogger(__name__)


class BookingRejected(Exception):
    """Raised with a member-facing message when a booking cannot be made."""


def book_extractor(member: Member, extractor_id: int, starts_at, hours: int,
                   supers: int) -> ExtractorBooking:
    ends_at = starts_at + timedelta(hours=hours)
    with transaction.atomic():
        # Lock the extractor row: bookings for one extractor are made one at a time.
        extractor = Extractor.objects.select_for_update().get(pk=extractor_id, active=True)
        if hours > extractor.max_booking_hours:
            raise BookingRejected(f"Bookings are limited to {extractor.max_booking_hours} hours.")
        if ExtractorBooking.objects.clashing(extractor.pk, starts_at, ends_at).exists():  # ok: DB005
            raise BookingRejected("The extractor is already booked for part of that time.")

        spent = Member.objects.filter(pk=member.pk, extraction_credits__gte=1).update(  # ok: DB004
            extraction_credits=F("extraction_credits") - 1
        )
        if not spent:
            raise BookingRejected("You have used all your extractor sessions this season.")

        booking = ExtractorBooking.objects.create(
            extractor=extractor, member=member, starts_at=starts_at, ends_at=ends_at,
            supers=supers,
        )
        transaction.on_commit(lambda: send_booking_confirmation.delay(booking.pk))
    log.info("extractor %s booked by member %s (booking %s)", extractor.pk, member.pk, booking.pk)
    return booking


def cancel_booking(member: Member, booking_id: int) -> bool:
    with transaction.atomic():
        cancelled = ExtractorBooking.objects.filter(
            pk=booking_id, member=member, status=ExtractorBooking.CONFIRMED,
        ).update(status=ExtractorBooking.CANCELLED)
        if cancelled:
            Member.objects.filter(pk=member.pk).update(
                extraction_credits=F("extraction_credits") + 1
            )
    return bool(cancelled)


@shared_task(autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=3,
             ignore_result=True)
def send_booking_confirmation(booking_id: int) -> None:
    booking = ExtractorBooking.objects.select_related("extractor", "member__user").get(pk=booking_id)
    send_mail(
        subject=f"Extractor booked: {booking.starts_at:%a %d %b %H:%M}",
        message=(
            f"You have the {booking.extractor.name} at {booking.extractor.location} "
            f"from {booking.starts_at:%H:%M} to {booking.ends_at:%H:%M}.\n"
            "Please leave it clean and dry for the next member."
        ),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[booking.member.user.email],
    )
