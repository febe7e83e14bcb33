"""Lumber yard delivery API: contractor orders, truck windows, delivery photos."""
import logging
import uuid

from flask import Flask, g, jsonify, request
from werkzeug.exceptions import HTTPException

from . import db
from .config import Config


class RequestContextFilter(logging.Filter):
    """Stamp every log record with the request id and contractor, when there is one."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            record.request_id = g.get("request_id", "-")
            record.contractor_id = g.get("contractor_id", "-")
        except RuntimeError:  # outside an application context (jobs, startup)
            record.request_id = "-"
            record.contractor_id = "-"
        return True


def _configure_logging(level: str) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter(
        "%(asctime)s %(levelname)s %(name)s "
        "[req=%(request_id)s contractor=%(contractor_id)s] %(message)s"
    ))
    handler.addFilter(RequestContextFilter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)


def create_app(config_object=Config) -> Flask:
    app = Flask(__name__)
    app.config.from_object(config_object)
    if not app.config.get("SECRET_KEY"):
        raise RuntimeError("FLASK_SECRET_KEY must be set")

    _configure_logging(app.config["LOG_LEVEL"])
    db.init_app(app)

    @app.before_request
    def _assign_request_id():
        g.request_id = request.headers.get("X-Request-ID") or uuid.uuid4().hex

    @app.after_request
    def _echo_request_id(response):
        response.headers["X-Request-ID"] = g.get("request_id", "")
        return response

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException):
        body = {"error": exc.name.lower().replace(" ", "_"), "message": exc.description}
        return jsonify(body), exc.code

    @app.get("/healthz")
    def healthz():
        return jsonify(status="ok")

    @app.get("/readyz")
    def readyz():
        db.ping()
        return jsonify(status="ready")

    from .views.orders import bp as orders_bp
    from .views.trucks import bp as trucks_bp
    from .views.photos import bp as photos_bp
    from .views.signatures import bp as signatures_bp
    from .reports.yard_report import bp as yard_report_bp
    from .reports.contractor_statement import bp as statement_bp

    for blueprint in (orders_bp, trucks_bp, photos_bp, signatures_bp, yard_report_bp, statement_bp):
        app.register_blueprint(blueprint)
    return app
