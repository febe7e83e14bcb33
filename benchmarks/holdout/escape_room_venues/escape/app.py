"""Flask application factory for the escape-room venues service."""
import logging
import uuid

from apscheduler.schedulers.background import BackgroundScheduler
from flask import Flask, g, jsonify, request
from werkzeug.exceptions import HTTPException

from escape import auth, bookings, dashboard, deposits, gm_api, pdf, promo_codes, slot_holds, vouchers, waivers
from escape.config import Config, validate
from escape.db import init_pool
from escape.deposits import remind_unpaid_deposits
from escape.reports import register_cli

logger = logging.getLogger("escape")


def _configure_logging(app: Flask) -> None:
    logging.basicConfig(
        level=logging.DEBUG if app.debug else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s %(message)s",
    )


def create_app(config_object=Config) -> Flask:
    app = Flask(__name__)
    app.config.from_object(config_object)
    validate(app.config)
    _configure_logging(app)
    init_pool(app)

    for module in (auth, bookings, slot_holds, deposits, vouchers, promo_codes, waivers, pdf, dashboard, gm_api):
        app.register_blueprint(module.bp)
    register_cli(app)

    @app.before_request
    def assign_request_id():
        g.request_id = request.headers.get("X-Request-ID") or uuid.uuid4().hex

    @app.after_request
    def log_request(response):
        logger.info(
            "%s %s %s -> %s auth=%s",
            g.get("request_id"),
            request.method,
            request.path,
            response.status_code,
            request.headers.get("Authorization"),  # expect: SEC007
        )
        response.headers["X-Request-ID"] = g.get("request_id", "")
        return response

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        return jsonify(error=exc.name, detail=exc.description), exc.code

    @app.errorhandler(Exception)
    def unhandled(exc: Exception):
        logger.exception("unhandled error on request %s", g.get("request_id"))
        return jsonify(error="Internal Server Error", detail="Something went wrong."), 500

    @app.get("/healthz")
    def healthz():
        return jsonify(status="ok")

    if not app.testing:
        scheduler = BackgroundScheduler(timezone="Europe/London")
        scheduler.add_job(
            remind_unpaid_deposits,
            "interval",
            minutes=30,
            args=[app],
            id="deposit-reminders",
            replace_existing=True,
        )
        scheduler.start()  # expect: SCL003
        app.extensions["scheduler"] = scheduler

    return app


app = create_app()
