"""Application factory for the Lighthouse Tours ticketing service."""
import logging
import os
from datetime import datetime, timedelta, timezone

import stripe
from apscheduler.schedulers.background import BackgroundScheduler
from flask import Flask, jsonify
from flask_cors import CORS
from flask_login import LoginManager
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import text

from .config import CONFIGS

db = SQLAlchemy()
login_manager = LoginManager()
csrf = CSRFProtect()
scheduler = BackgroundScheduler(timezone="Europe/London")

log = logging.getLogger(__name__)


def _refresh_tide_flags(app: Flask) -> None:
    """Mark the next three days of slots as crossable or not at their start time."""
    from .clients.tides import TideClient
    from .models import TourSlot

    with app.app_context():
        client = TideClient()
        now = datetime.now(timezone.utc)
        upcoming = (
            TourSlot.query.filter(
                TourSlot.status == "open",
                TourSlot.starts_at >= now,
                TourSlot.starts_at < now + timedelta(days=3),
            )
            .order_by(TourSlot.starts_at)
            .all()
        )
        for slot in upcoming:
            slot.tide_ok = client.is_crossing_safe(slot.starts_at)
        db.session.commit()
        log.info("tide flags refreshed for %d slots", len(upcoming))


def create_app(env: str | None = None) -> Flask:
    app = Flask(__name__)
    app.config.from_object(CONFIGS[env or os.environ.get("APP_ENV", "production")])
    stripe.api_key = app.config["STRIPE_API_KEY"]

    db.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    csrf.init_app(app)
    CORS(app, resources={r"/api/*": {"origins": "*"}}, supports_credentials=True)  # expect: SEC013

    from . import models  # noqa: F401  (register mappers)
    from .admin.closures import bp as closures_bp
    from .admin.daily_roster import bp as roster_bp
    from .admin.visitor_export import bp as export_bp
    from .auth import bp as auth_bp
    from .jobs.closure_refunds import refund_closures
    from .views.bookings import bp as bookings_bp
    from .views.group_bookings import bp as group_bp
    from .views.my_tickets import bp as my_tickets_bp
    from .views.tickets import bp as tickets_bp
    from .webhooks import bp as webhooks_bp

    for blueprint in (auth_bp, bookings_bp, group_bp, tickets_bp, my_tickets_bp,
                      webhooks_bp, closures_bp, export_bp, roster_bp):
        app.register_blueprint(blueprint)
    app.cli.add_command(refund_closures)

    @login_manager.user_loader
    def load_user(user_id: str):
        return db.session.get(models.User, int(user_id))

    @app.get("/healthz")
    def healthz():
        db.session.execute(text("SELECT 1"))
        return jsonify(status="ok")

    if not app.testing:
        scheduler.add_job(_refresh_tide_flags, "interval", minutes=30, args=[app],
                          id="tide-refresh", replace_existing=True)
        scheduler.start()  # expect: SCL003

    return app
