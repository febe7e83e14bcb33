"""Riverbend Livery: guided kayak trips, boat inventory and waivers.

Application factory. Gunicorn runs ``livery:create_app()``.
"""
import logging
import uuid

import stripe
from apscheduler.schedulers.background import BackgroundScheduler
from flask import Flask, g, has_request_context, jsonify, request
from flask_login import LoginManager
from flask_sqlalchemy import SQLAlchemy

from .config import load_config

db = SQLAlchemy()
login_manager = LoginManager()
logger = logging.getLogger("livery")


class RequestIdFilter(logging.Filter):
    """Attach the current request id (or '-') to every log record."""

    def filter(self, record):
        record.request_id = g.get("request_id", "-") if has_request_context() else "-"
        return True


def _configure_logging(app):
    handler = logging.StreamHandler()
    handler.setFormatter(
        logging.Formatter("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s")
    )
    handler.addFilter(RequestIdFilter())
    root = logging.getLogger()
    root.handlers = [handler]
    root.setLevel(app.config.get("LOG_LEVEL", "INFO"))


def _start_scheduler(app):
    from .tasks.reminders import send_trip_reminders

    scheduler = BackgroundScheduler(timezone=app.config["LIVERY_TIMEZONE"])

    def run_reminders():
        with app.app_context():
            send_trip_reminders()

    scheduler.add_job(run_reminders, "cron", hour=7, minute=0, id="trip-reminders")
    scheduler.start()  # expect: SCL003
    return scheduler


def create_app(config_name=None):
    app = Flask(__name__)
    app.config.from_object(load_config(config_name))
    _configure_logging(app)

    db.init_app(app)
    login_manager.init_app(app)
    stripe.api_key = app.config["STRIPE_API_KEY"]
    stripe.max_network_retries = 2

    from .auth import bp as auth_bp, limiter
    from .bookings.views import bp as bookings_bp
    from .inventory.views import bp as inventory_bp
    from .reports.admin import bp as reports_bp
    from .reports.manifests import bp as manifests_bp
    from .tasks.settlement import reconcile_pending, settle_guides
    from .trips import bp as trips_bp
    from .waivers.storage import bp as waivers_v2_bp
    from .waivers.views import bp as waivers_bp

    limiter.init_app(app)
    for blueprint in (auth_bp, trips_bp, bookings_bp, inventory_bp, waivers_bp,
                      waivers_v2_bp, reports_bp, manifests_bp):
        app.register_blueprint(blueprint)
    app.cli.add_command(settle_guides)
    app.cli.add_command(reconcile_pending)

    @app.before_request
    def assign_request_id():
        g.request_id = request.headers.get("X-Request-ID") or uuid.uuid4().hex

    @app.after_request
    def echo_request_id(response):
        response.headers["X-Request-ID"] = g.get("request_id", "")
        return response

    @app.errorhandler(404)
    def not_found(_err):
        return jsonify(error="not found"), 404

    @app.errorhandler(500)
    def server_error(_err):
        return jsonify(error="internal error", request_id=g.get("request_id")), 500

    @app.get("/healthz")
    def healthz():
        return jsonify(status="ok")

    _start_scheduler(app)
    return app
