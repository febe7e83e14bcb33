"""Application factory for the bell foundry order service."""

import logging
import os

from flask import Flask, jsonify
from flask_login import LoginManager
from werkzeug.exceptions import HTTPException

from foundry.config import load_config
from foundry.db import build_pool, connection
from foundry.freight.client import FreightClient
from foundry.logging_setup import configure_logging, install_request_id
from foundry.payments.gateway import PaymentsClient

logger = logging.getLogger(__name__)

login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.session_protection = "strong"


def create_app(config_name: str | None = None) -> Flask:
    """Build the Flask application with its blueprints and shared clients."""
    app = Flask(__name__)
    app.config.from_object(load_config(config_name or os.environ.get("FOUNDRY_ENV", "production")))
    app.config["DEBUG"] = os.environ.get("FOUNDRY_DEBUG", "0") == "1"  # ok: SEC006
    app.config["MAX_CONTENT_LENGTH"] = 12 * 1024 * 1024  # ok: SEC019

    configure_logging(app.config["LOG_LEVEL"])
    install_request_id(app)

    pool = build_pool(
        app.config["DATABASE_URL"],
        min_size=app.config["DB_POOL_MIN"],
        max_size=app.config["DB_POOL_MAX"],
        timeout=app.config["DB_POOL_TIMEOUT"],
    )
    app.extensions["db_pool"] = pool
    app.extensions["payments_client"] = PaymentsClient(
        app.config["PAYMENTS_API_URL"], app.config["PAYMENTS_API_KEY"]
    )
    app.extensions["freight_client"] = FreightClient(
        app.config["FREIGHT_API_URL"], app.config["FREIGHT_API_KEY"]
    )

    login_manager.init_app(app)

    from foundry.auth import bp as auth_bp, load_customer
    from foundry.furnace.schedule import bp as furnace_bp
    from foundry.orders.views import bp as orders_bp
    from foundry.payments.webhooks import bp as webhooks_bp
    from foundry.portal.views import bp as portal_bp
    from foundry.reports.certificates import bp as certificates_bp

    login_manager.user_loader(load_customer)
    for blueprint in (auth_bp, orders_bp, furnace_bp, portal_bp, webhooks_bp, certificates_bp):
        app.register_blueprint(blueprint)

    _register_error_handlers(app)

    @app.get("/healthz")
    def healthz():
        with connection() as conn:
            conn.execute("SELECT 1")
        return jsonify({"status": "ok"})

    logger.info("foundry app created", extra={"env": app.config.get("ENV_NAME")})
    return app


def _register_error_handlers(app: Flask) -> None:
    """Every blueprint answers errors with the same JSON body."""

    @app.errorhandler(HTTPException)
    def handle_http_error(exc: HTTPException):
        body = {"error": {"code": exc.name.lower().replace(" ", "_"), "message": exc.description}}
        return jsonify(body), exc.code

    @app.errorhandler(Exception)
    def handle_unexpected(exc: Exception):
        logger.exception("unhandled error")
        body = {"error": {"code": "internal_error", "message": "Something went wrong."}}
        return jsonify(body), 500
