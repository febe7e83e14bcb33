"""Piano tuning visits: technician bookings, parts, invoices and customer notices."""

import atexit
import logging
import uuid

from flask import Flask, g, jsonify, request

from .config import load_config
from .db import close_pool, init_pool
from .services.calendar_client import init_calendar_client


class RequestIdFilter(logging.Filter):
    """Stamp every log record with the id of the request being served."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            record.request_id = g.get("request_id", "-")
        except RuntimeError:
            # Outside an application context (CLI commands, jobs).
            record.request_id = "-"
        return True


def _configure_logging(level: str) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(
        logging.Formatter(
            "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"
        )
    )
    handler.addFilter(RequestIdFilter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)


def _register_blueprints(app: Flask) -> None:
    from .auth import bp as auth_bp
    from .reports.admin import bp as admin_reports_bp
    from .reports.technician_stats import bp as technician_stats_bp
    from .views.bookings import bp as bookings_bp
    from .views.calendar_webhook import bp as calendar_webhook_bp
    from .views.invoices import bp as invoices_bp
    from .views.parts import bp as parts_bp
    from .views.visits import bp as visits_bp

    for blueprint in (
        auth_bp,
        bookings_bp,
        visits_bp,
        parts_bp,
        invoices_bp,
        calendar_webhook_bp,
        admin_reports_bp,
        technician_stats_bp,
    ):
        app.register_blueprint(blueprint)


def create_app(overrides: dict | None = None) -> Flask:
    """Application factory used by gunicorn (``pianovisits:create_app()``) and the jobs."""
    app = Flask(__name__)
    app.config.from_object(load_config())
    if overrides:
        app.config.update(overrides)

    _configure_logging(app.config["LOG_LEVEL"])
    init_pool(app)
    atexit.register(close_pool, app)
    atexit.register(init_calendar_client(app).close)

    @app.before_request
    def _assign_request_id():
        g.request_id = request.headers.get("X-Request-Id") or uuid.uuid4().hex

    @app.after_request
    def _echo_request_id(response):
        response.headers["X-Request-Id"] = g.get("request_id", "")
        return response

    @app.errorhandler(400)
    def _bad_request(err):
        return jsonify(error="bad_request", detail=getattr(err, "description", "")), 400

    @app.errorhandler(404)
    def _not_found(_err):
        return jsonify(error="not_found"), 404

    @app.errorhandler(413)
    def _too_large(_err):
        return jsonify(error="payload_too_large"), 413

    @app.get("/healthz")
    def healthz():
        return jsonify(status="ok")

    _register_blueprints(app)
    return app
