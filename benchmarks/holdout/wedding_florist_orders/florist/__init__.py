"""Wedding florist order system: Flask application factory."""

from __future__ import annotations

import logging
import uuid

from apscheduler.schedulers.background import BackgroundScheduler
from flask import Flask, g, has_request_context, jsonify, request
from werkzeug.exceptions import HTTPException

from florist.db import init_pool


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = g.get("request_id", "-") if has_request_context() else "-"
        return True


def _configure_logging(app: Flask) -> None:
    handler = logging.StreamHandler()
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(
        logging.Formatter("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s")
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(app.config.get("LOG_LEVEL", "INFO"))


def _register_blueprints(app: Flask) -> None:
    from florist.auth import bp as auth_bp
    from florist.delivery.views import bp as delivery_bp
    from florist.inventory.stock import bp as stock_bp
    from florist.mockups.views import bp as mockups_bp
    from florist.orders.views import bp as orders_bp
    from florist.payments.deposits import bp as deposits_bp
    from florist.purchasing.views import bp as purchasing_bp

    for blueprint in (auth_bp, delivery_bp, stock_bp, mockups_bp, orders_bp, deposits_bp, purchasing_bp):
        app.register_blueprint(blueprint)


def create_app(config_object: str | None = None, start_scheduler: bool = True) -> Flask:
    app = Flask(__name__)
    app.config.from_object(config_object or "florist.config.ProductionConfig")
    app.config.from_prefixed_env("FLORIST")
    _configure_logging(app)
    init_pool(app)
    _register_blueprints(app)

    @app.before_request
    def bind_request_id() -> None:
        g.request_id = request.headers.get("X-Request-ID") or uuid.uuid4().hex

    @app.after_request
    def echo_request_id(response):
        response.headers["X-Request-ID"] = g.get("request_id", "-")
        return response

    @app.errorhandler(HTTPException)
    def json_error(exc: HTTPException):
        return jsonify(error={"status": exc.code, "message": exc.description}), exc.code

    @app.get("/health")
    def health():
        return jsonify(status="ok")

    if start_scheduler and not app.config.get("TESTING"):
        from florist.reports.wastage import send_weekly_wastage_report

        scheduler = BackgroundScheduler(timezone=app.config["TIMEZONE"])
        scheduler.add_job(
            send_weekly_wastage_report,
            "cron",
            day_of_week="mon",
            hour=7,
            args=[app],
            id="weekly-wastage",
            replace_existing=True,
        )
        scheduler.start()  # expect: SCL003
        app.extensions["scheduler"] = scheduler

    return app
