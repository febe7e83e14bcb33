"""Seaplane charter booking service: Flask application factory."""
import logging
import uuid

import stripe
from apscheduler.schedulers.background import BackgroundScheduler
from flask import Flask, g, jsonify, request
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect

from .config import load_config
from .models import User, db

log = logging.getLogger(__name__)

login_manager = LoginManager()
csrf = CSRFProtect()
scheduler = BackgroundScheduler(timezone="UTC")


class RequestIdFilter(logging.Filter):
    """Adds the current request id (or '-') to every log record."""

    def filter(self, record):
        try:
            record.request_id = g.get("request_id", "-")
        except RuntimeError:  # outside an application context
            record.request_id = "-"
        return True


def _configure_logging(level):
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter(
        "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"))
    handler.addFilter(RequestIdFilter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)


def create_app(overrides=None):
    app = Flask(__name__)
    app.config.from_mapping(load_config())
    if overrides:
        app.config.update(overrides)
    _configure_logging(app.config["LOG_LEVEL"])

    stripe.api_key = app.config["STRIPE_API_KEY"]
    db.init_app(app)
    login_manager.init_app(app)
    csrf.init_app(app)

    from .admin_refunds import bp as admin_refunds_bp
    from .auth import bp as auth_bp
    from .booking_views import bp as bookings_bp
    from .manifest_report import bp as manifests_bp
    from .payments import bp as webhooks_bp
    from .revenue_report import bp as revenue_bp
    from .roster_swaps import bp as swaps_bp
    from .roster_views import bp as roster_bp
    from .seat_changes import bp as seat_changes_bp
    from .weather_refunds import bp as weather_refunds_bp

    for blueprint in (auth_bp, bookings_bp, seat_changes_bp, roster_bp, swaps_bp,
                      manifests_bp, revenue_bp, admin_refunds_bp, webhooks_bp,
                      weather_refunds_bp):
        app.register_blueprint(blueprint)

    @app.before_request
    def assign_request_id():
        g.request_id = request.headers.get("X-Request-ID") or uuid.uuid4().hex

    @app.after_request
    def echo_request_id(response):
        response.headers["X-Request-ID"] = g.get("request_id", "")
        return response

    @app.get("/healthz")
    def healthz():
        return jsonify(status="ok")

    @app.errorhandler(404)
    def not_found(_exc):
        return jsonify(error="not found"), 404

    @app.errorhandler(403)
    def forbidden(_exc):
        return jsonify(error="forbidden"), 403

    from .weather_watch import evaluate_departures

    scheduler.add_job(evaluate_departures, "interval", minutes=10, args=[app],
                      id="metar-watch", replace_existing=True)
    scheduler.start()  # expect: SCL003
    log.info("charter app started")
    return app


@login_manager.user_loader
def load_user(user_id):
    return db.session.get(User, int(user_id))


@login_manager.unauthorized_handler
def unauthorized():
    return jsonify(error="login required"), 401
