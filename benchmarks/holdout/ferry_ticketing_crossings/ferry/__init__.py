"""Ferry ticketing service.

Application factory plus the extensions shared by every blueprint
(database, login manager) and the JSON error helper.
"""
import logging
import uuid

import stripe
from flask import Flask, g, jsonify, request
from flask_cors import CORS
from flask_login import LoginManager
from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()
login_manager = LoginManager()


def api_error(code, message, status):
    """Every error response uses the same body: {"error": {"code", "message"}}."""
    return jsonify(error={"code": code, "message": message}), status


class RequestIdFilter(logging.Filter):
    """Stamps each log record with the id of the request being served."""

    def filter(self, record):
        try:
            record.request_id = g.get("request_id", "-")
        except RuntimeError:  # outside an app/request context (CLI, startup)
            record.request_id = "-"
        return True


def _configure_logging(app):
    handler = logging.StreamHandler()
    handler.setFormatter(
        logging.Formatter("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s")
    )
    handler.addFilter(RequestIdFilter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(app.config.get("LOG_LEVEL", "INFO"))


def create_app(config_object="ferry.config.Config"):
    app = Flask(__name__)
    app.config.from_object(config_object)
    _configure_logging(app)

    stripe.api_key = app.config["STRIPE_API_KEY"]
    stripe.max_network_retries = 2

    db.init_app(app)
    login_manager.init_app(app)
    CORS(app, resources={r"/api/*": {"origins": "*"}}, supports_credentials=True)  # expect: SEC013

    @app.before_request
    def assign_request_id():
        g.request_id = request.headers.get("X-Request-ID") or uuid.uuid4().hex

    @app.after_request
    def echo_request_id(response):
        response.headers["X-Request-ID"] = g.get("request_id", "")
        return response

    @app.errorhandler(404)
    def not_found(_err):
        return api_error("not_found", "Resource not found", 404)

    @app.errorhandler(405)
    def method_not_allowed(_err):
        return api_error("method_not_allowed", "Method not allowed", 405)

    @app.get("/healthz")
    def healthz():
        return jsonify(status="ok")

    from ferry import (
        admin,
        auth,
        boarding,
        cancellations,
        foot_passengers,
        manifest_report,
        occupancy_report,
        refund_worker,
        vehicle_bookings,
        weather_client,
        webhooks,
    )

    for module in (
        auth,
        foot_passengers,
        vehicle_bookings,
        boarding,
        cancellations,
        manifest_report,
        occupancy_report,
        admin,
        webhooks,
    ):
        app.register_blueprint(module.bp)

    weather_client.init_app(app)
    app.cli.add_command(refund_worker.refunds_cli)
    return app
