"""WSGI application: middleware, routes and the event-day reminder loop.

Served by gunicorn as ``falconry.app:app``.
"""

import logging
import threading
import time
from datetime import date, datetime, timedelta

import falcon

from falconry.auth import AuthMiddleware
from falconry.db import db, ping
from falconry.mail import MailError, send_text
from falconry.middleware import DatabaseSessionMiddleware, RequestIdMiddleware, configure_logging
from falconry.models import Booking, Organiser
from falconry.resources.birds import BirdCollection, FlightLogCollection
from falconry.resources.bookings import BookingCollection, BookingResource
from falconry.resources.organisers import OrganiserLogin, OrganiserMe, OrganiserSearch, OrganiserSignup
from falconry.resources.rota import RotaChanges, RotaWeek, ShiftSwap
from falconry.resources.tracker import TrackerWebhook

logger = logging.getLogger(__name__)

REMINDER_HOUR = 8
REMINDER_POLL_SECONDS = 900


class HealthResource:
    auth_exempt = True

    def on_get(self, req, resp):
        healthy = ping()
        resp.status = falcon.HTTP_200 if healthy else falcon.HTTP_503
        resp.media = {"status": "ok" if healthy else "degraded"}


def create_app() -> falcon.App:
    configure_logging()
    cors = falcon.CORSMiddleware(allow_origins="*", allow_credentials="*")  # expect: SEC013
    app = falcon.App(
        middleware=[RequestIdMiddleware(), cors, DatabaseSessionMiddleware(), AuthMiddleware()],
    )
    app.req_options.strip_url_path_trailing_slash = True

    bookings = BookingResource()
    app.add_route("/healthz", HealthResource())
    app.add_route("/organisers", OrganiserSignup())
    app.add_route("/organisers/login", OrganiserLogin())
    app.add_route("/organisers/me", OrganiserMe())
    app.add_route("/admin/organisers", OrganiserSearch())
    app.add_route("/bookings", BookingCollection())
    app.add_route("/bookings/{booking_id:int}", bookings)
    app.add_route("/bookings/{booking_id:int}/cancel", bookings, suffix="cancel")
    app.add_route("/birds", BirdCollection())
    app.add_route("/flights", FlightLogCollection())
    app.add_route("/rota/{week_start}", RotaWeek())
    app.add_route("/rota-changes", RotaChanges())
    app.add_route("/shifts/{shift_id:int}/swap", ShiftSwap())
    app.add_route("/tracker/fixes", TrackerWebhook())
    return app


def _send_event_day_reminders(day: date) -> int:
    bookings = (
        Booking.select(Booking, Organiser)
        .join(Organiser)
        .where((Booking.event_date == day) & (Booking.status == "confirmed"))
    )
    sent = 0
    for booking in bookings:
        text = (
            f"Hello {booking.organiser.contact_name},\n\nOur falconry team arrives tomorrow for "
            f"{booking.event_name}. Please keep a 30 m clear flying area for the display.\n"
        )
        try:
            send_text(booking.organiser.email, f"Your falconry display on {day:%d %B}", text)
            sent += 1
        except MailError:
            logger.exception("event reminder failed", extra={"booking_id": booking.id})
    return sent


def _reminder_loop() -> None:
    last_run: date | None = None
    while True:
        now = datetime.now()
        if now.hour == REMINDER_HOUR and last_run != now.date():
            try:
                with db.connection_context():
                    count = _send_event_day_reminders(now.date() + timedelta(days=1))
                logger.info("event reminders sent", extra={"count": count})
            except Exception:
                logger.exception("event reminder pass failed")
            last_run = now.date()
        time.sleep(REMINDER_POLL_SECONDS)


app = create_app()
threading.Thread(target=_reminder_loop, name="event-reminders", daemon=True).start()  # expect: SCL003
