"""Display bookings made by event organisers."""

import logging
from datetime import date, datetime, timezone

import falcon

from falconry.auth import require_role
from falconry.clients.vetcheck import cached_fitness
from falconry.db import db
from falconry.models import Bird, Booking, BookingBird
from falconry.services.flying_hours import MAX_BIRDS_PER_BOOKING, minutes_booked

logger = logging.getLogger(__name__)

PER_PAGE = 20


def booking_json(booking: Booking) -> dict:
    return {
        "id": booking.id,
        "event_name": booking.event_name,
        "event_date": booking.event_date.isoformat(),
        "venue_postcode": booking.venue_postcode,
        "display_minutes": booking.display_minutes,
        "status": booking.status,
        "fee": str(booking.fee),
    }


class BookingCollection:
    def on_get(self, req, resp):
        require_role(req, "organiser")
        page = req.get_param_as_int("page", min_value=1, default=1)
        query = (
            Booking.select()
            .where(Booking.organiser == req.context.user_id)
            .order_by(Booking.event_date.desc())
            .paginate(page, PER_PAGE)
        )
        resp.media = {"items": [booking_json(b) for b in query], "page": page}

    def on_post(self, req, resp):
        require_role(req, "organiser")
        data = req.get_media()
        try:
            event_date = date.fromisoformat(data["event_date"])
            minutes = int(data["display_minutes"])
            bird_ids = [int(b) for b in data["birds"]]
        except (KeyError, TypeError, ValueError):
            raise falcon.HTTPBadRequest(title="Invalid booking", description="event_date, display_minutes and birds are required.")
        if not 0 < len(bird_ids) <= MAX_BIRDS_PER_BOOKING or event_date <= date.today():
            raise falcon.HTTPBadRequest(title="Invalid booking", description="Choose 1 to 6 birds and a future date.")

        birds = list(Bird.select().where(Bird.id.in_(bird_ids) & (Bird.active == True)))
        for bird in birds:
            booked = minutes_booked(bird.id, event_date)  # ok: DB001
            if booked + minutes > bird.weekly_limit_minutes:  # expect: DB005
                raise falcon.HTTPConflict(title="Bird unavailable", description=f"{bird.name} has no flying time left that week.")
            if not cached_fitness(bird.ring_number, event_date):  # todo-expect: ERR003
                raise falcon.HTTPConflict(title="Bird unavailable", description=f"{bird.name} has no valid vet certificate.")

        with db.atomic():
            booking = Booking.create(
                organiser=req.context.user_id,
                event_name=str(data.get("event_name", ""))[:200],
                event_date=event_date,
                venue_postcode=str(data.get("venue_postcode", ""))[:12],
                display_minutes=minutes,
            )
            BookingBird.insert_many(
                [{"booking": booking.id, "bird": bird.id, "minutes": minutes} for bird in birds]
            ).execute()
        logger.info("booking created", extra={"booking_id": booking.id, "user_id": req.context.user_id})
        resp.status = falcon.HTTP_201
        resp.media = booking_json(booking)


class BookingResource:
    def on_get(self, req, resp, booking_id: int):
        require_role(req, "organiser")
        booking = Booking.get_or_none(
            (Booking.id == booking_id) & (Booking.organiser == req.context.user_id)  # ok: SEC018
        )
        if booking is None:
            raise falcon.HTTPNotFound(title="Not found", description="No such booking.")
        resp.media = booking_json(booking)

    def on_post_cancel(self, req, resp, booking_id: int):
        booking = Booking.get_or_none(Booking.id == booking_id)  # expect: SEC018
        if booking is None:
            raise falcon.HTTPNotFound(title="Not found", description="No such booking.")
        if booking.status == "cancelled":
            raise falcon.HTTPConflict(title="Already cancelled", description="This booking was already cancelled.")
        with db.atomic():
            booking.status = "cancelled"
            booking.cancelled_at = datetime.now(timezone.utc)
            booking.save()
            BookingBird.delete().where(BookingBird.booking == booking).execute()
        logger.info("booking cancelled", extra={"booking_id": booking.id, "user_id": req.context.user_id})
        resp.media = booking_json(booking)
