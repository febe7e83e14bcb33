"""Booking rules for sheets and draws, used by the front-desk screens and the API v2."""

import logging

from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import Draw, DrawEntry, Sheet, SheetBooking

logger = logging.getLogger(__name__)


class BookingRefused(Exception):
    """The booking or entry cannot be made; the message is safe to show."""


def enter_team(member, draw_id: int, team) -> DrawEntry:
    """Enter ``team`` in a draw, respecting the draw's capacity."""
    if not team.members.filter(pk=member.pk).exists():
        raise BookingRefused("You can only enter your own team.")

    with transaction.atomic():
        # Lock the draw row so entries for it are counted and created one at a time.
        draw = Draw.objects.select_for_update().get(pk=draw_id)
        if draw.league_id != team.league_id:
            raise BookingRefused("Team is not in this draw's league.")
        if draw.starts_at <= timezone.now():
            raise BookingRefused("This draw has already started.")
        if DrawEntry.objects.filter(draw=draw).count() >= draw.capacity:
            raise BookingRefused("This draw is full.")
        try:
            with transaction.atomic():
                entry = DrawEntry.objects.create(draw=draw, team=team, entered_by=member)  # ok: DB005
        except IntegrityError:
            raise BookingRefused("Team already entered in this draw.") from None

    logger.info("team %s entered draw %s by member %s", team.pk, draw.pk, member.pk)
    return entry


def book_sheet(member, sheet: Sheet, starts_at, user=None) -> SheetBooking:
    """Hold a sheet for a member; the partial unique constraint settles races."""
    if not sheet.is_active:
        raise BookingRefused(f"{sheet} is closed.")
    if SheetBooking.objects.filter(sheet=sheet, starts_at=starts_at).exclude(status="cancelled").exists():
        raise BookingRefused("That sheet is already booked.")
    try:
        with transaction.atomic():
            booking = SheetBooking.objects.create(sheet=sheet, member=member, starts_at=starts_at, created_by=user)  # ok: DB005
    except IntegrityError:
        raise BookingRefused("That sheet is already booked.") from None
    logger.info("sheet booking %s held for member %s", booking.pk, member.pk)
    return booking


def cancel_booking(member, booking_id: int) -> bool:
    """Cancel one of the member's own future bookings."""
    updated = SheetBooking.objects.filter(  # ok: SEC018
        pk=booking_id,
        member=member,
        starts_at__gt=timezone.now(),
    ).exclude(status="cancelled").update(status="cancelled")
    if updated:
        logger.info("sheet booking %s cancelled by member %s", booking_id, member.pk)
    return bool(updated)


def bookings_for(member, limit: int = 50):
    return (
        SheetBooking.objects.filter(member=member)
        .select_related("sheet")
        .order_by("-starts_at")[:limit]
    )
