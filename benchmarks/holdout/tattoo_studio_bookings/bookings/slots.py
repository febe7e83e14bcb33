"""Reserving a slot in an artist's calendar.

Used by the front-desk tablet API and the artists' own "block out time" tool.
Bookings have free-form lengths, so a unique constraint cannot stop overlaps;
instead the artist row is locked for the duration of the check and insert, which
serialises all reservations for that artist.
"""
import logging
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction

from .models import Artist, Booking, Client

logger = logging.getLogger(__name__)


class SlotUnavailable(Exception):
    pass


@dataclass(frozen=True)
class SlotRequest:
    artist_id: int
    starts_at: datetime
    ends_at: datetime
    placement: str = ""
    notes: str = ""


def _overlaps(artist: Artist, starts_at: datetime, ends_at: datetime) -> bool:
    return Booking.objects.filter(
        artist=artist,
        status__in=Booking.ACTIVE,
        starts_at__lt=ends_at,
        ends_at__gt=starts_at,
    ).exists()


def reserve_slot(slot: SlotRequest, client: Client, *, confirmed: bool = False) -> Booking:
    if slot.ends_at <= slot.starts_at:
        raise ValueError("ends_at must be after starts_at")

    with transaction.atomic():
        artist = Artist.objects.select_for_update().get(pk=slot.artist_id, is_active=True)
        if _overlaps(artist, slot.starts_at, slot.ends_at):  # ok: DB005
            raise SlotUnavailable(f"{artist.display_name} is booked between those times")
        booking = Booking.objects.create(
            artist=artist,
            client=client,
            starts_at=slot.starts_at,
            ends_at=slot.ends_at,
            placement=slot.placement,
            design_notes=slot.notes,
            status=Booking.Status.CONFIRMED if confirmed else Booking.Status.PENDING_DEPOSIT,
        )
    logger.info("slot reserved booking=%s artist=%s start=%s", booking.id, artist.id, slot.starts_at.isoformat())
    return booking


def move_booking(booking_id: int, starts_at: datetime, ends_at: datetime) -> Booking:
    """Reschedule a booking, keeping the same artist."""
    with transaction.atomic():
        booking = Booking.objects.select_related("artist").get(pk=booking_id)
        artist = Artist.objects.select_for_update().get(pk=booking.artist_id)
        clash = (
            Booking.objects.filter(artist=artist, status__in=Booking.ACTIVE,
                                   starts_at__lt=ends_at, ends_at__gt=starts_at)
            .exclude(pk=booking.pk)
            .exists()
        )
        if clash:
            raise SlotUnavailable("new time overlaps another booking")
        booking.starts_at = starts_at
        booking.ends_at = ends_at
        booking.save(update_fields=["starts_at", "ends_at"])
    return booking
