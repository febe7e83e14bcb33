"""The bird roster and the flight log kept by handlers."""

import logging
from datetime import date, timedelta

import falcon

from falconry.auth import require_role
from falconry.db import db
from falconry.models import Bird, FlightLog, Handler

logger = logging.getLogger(__name__)

FLIGHTS_PER_PAGE = 50


def _bird_json(bird: Bird) -> dict:
    return {
        "id": bird.id,
        "name": bird.name,
        "species": bird.species,
        "ring_number": bird.ring_number,
        "handler": bird.handler.display_name,
        "weekly_limit_minutes": bird.weekly_limit_minutes,
        "minutes_flown_this_week": bird.minutes_flown_this_week,
        "vet_cleared_until": bird.vet_cleared_until.isoformat() if bird.vet_cleared_until else None,
    }


def _flight_json(log: FlightLog) -> dict:
    return {
        "id": log.id,
        "bird": log.bird.name,
        "handler": log.handler.display_name,
        "flown_on": log.flown_on.isoformat(),
        "minutes": log.minutes,
        "notes": log.notes,
    }


class BirdCollection:
    def on_get(self, req, resp):
        birds = (
            Bird.select(Bird, Handler)
            .join(Handler)
            .where(Bird.active == True)
            .order_by(Bird.name)
        )
        resp.media = {"birds": [_bird_json(b) for b in birds]}  # ok: DB001


class FlightLogCollection:
    def on_get(self, req, resp):
        require_role(req, "handler", "admin")
        page = req.get_param_as_int("page", min_value=1, default=1)
        days = req.get_param_as_int("days", min_value=1, max_value=90, default=14)
        since = date.today() - timedelta(days=days)
        logs = (
            FlightLog.select()
            .where(FlightLog.flown_on >= since)
            .order_by(FlightLog.flown_on.desc(), FlightLog.id.desc())
            .paginate(page, FLIGHTS_PER_PAGE)
        )
        resp.media = {"flights": [_flight_json(log) for log in logs], "page": page}  # expect: DB001

    def on_post(self, req, resp):
        require_role(req, "handler", "admin")
        data = req.get_media()
        try:
            bird_id = int(data["bird_id"])
            minutes = int(data["minutes"])
            flown_on = date.fromisoformat(data.get("flown_on") or date.today().isoformat())
        except (KeyError, TypeError, ValueError):
            raise falcon.HTTPBadRequest(title="Invalid flight", description="bird_id and minutes are required.")
        if not 0 < minutes <= 120:
            raise falcon.HTTPBadRequest(title="Invalid flight", description="A flight lasts 1 to 120 minutes.")

        bird = Bird.get_or_none(Bird.id == bird_id)
        if bird is None:
            raise falcon.HTTPNotFound(title="Not found", description="No such bird.")
        with db.atomic():
            log = FlightLog.create(
                bird=bird, handler=req.context.user_id, flown_on=flown_on,
                minutes=minutes, notes=str(data.get("notes", ""))[:500],
            )
            bird.minutes_flown_this_week += minutes
            bird.save()  # expect: DB004
        if bird.minutes_flown_this_week > bird.weekly_limit_minutes:
            logger.warning("bird over weekly limit", extra={"bird_id": bird.id, "user_id": req.context.user_id})
        resp.status = falcon.HTTP_201
        resp.media = {"id": log.id, "minutes_flown_this_week": bird.minutes_flown_this_week}
