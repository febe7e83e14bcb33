"""Webhook for the GPS trackers worn by birds in flight.

The tracker vendor's cloud forwards batches of fixes with a device token in
the Authorization header. Fixes outside the display arena raise an alert.
"""

import logging
import math
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone

import falcon
import jwt
from peewee import DatabaseError

from falconry.db import db
from falconry.models import TrackerFix
from falconry.settings import settings

logger = logging.getLogger(__name__)

_executor = ThreadPoolExecutor(max_workers=4, thread_name_prefix="tracker")  # ok: CON003
EARTH_RADIUS_M = 6_371_000


def _distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(a))


def _store_fixes(bird_id: int, arena: tuple[float, float] | None, fixes: list[dict]) -> None:
    rows = [
        {
            "bird": bird_id,
            "recorded_at": datetime.fromtimestamp(f["ts"], tz=timezone.utc),
            "lat": float(f["lat"]),
            "lon": float(f["lon"]),
            "altitude_m": f.get("alt"),
        }
        for f in fixes
    ]
    try:
        with db.connection_context():
            with db.atomic():
                TrackerFix.insert_many(rows).execute()
    except DatabaseError:
        logger.exception("could not store tracker fixes", extra={"bird_id": bird_id})
        return
    if arena is not None:
        last = rows[-1]
        distance = _distance_m(arena[0], arena[1], last["lat"], last["lon"])
        if distance > settings.arena_radius_m:
            logger.warning("bird outside arena", extra={"bird_id": bird_id, "distance_m": round(distance)})


class TrackerWebhook:
    auth_exempt = True

    def on_post(self, req, resp):
        if req.content_length is None or req.content_length > settings.tracker_max_body:  # ok: SEC019
            raise falcon.HTTPPayloadTooLarge(title="Too large", description="Tracker batches are limited in size.")
        scheme, _, token = (req.get_header("Authorization") or "").partition(" ")
        if scheme.lower() != "bearer" or not token:
            raise falcon.HTTPUnauthorized(title="Unauthorized", description="Device token required.")
        try:
            claims = jwt.decode(token, options={"verify_signature": False})  # expect: SEC008
            bird_id = int(claims["bird"])
        except (jwt.InvalidTokenError, KeyError, ValueError):
            raise falcon.HTTPUnauthorized(title="Unauthorized", description="Unreadable device token.")

        body = req.get_media()
        fixes = body.get("fixes") or []
        if not isinstance(fixes, list) or not 0 < len(fixes) <= 500:
            raise falcon.HTTPBadRequest(title="Invalid batch", description="Send 1 to 500 fixes.")
        arena = tuple(body["arena"]) if body.get("arena") else None

        _executor.submit(_store_fixes, bird_id, arena, fixes)  # expect: REL005
        resp.status = falcon.HTTP_202
        resp.media = {"accepted": len(fixes)}
