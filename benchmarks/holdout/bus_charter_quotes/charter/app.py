"""Application factory for the charter quoting service."""
import logging
import os
import uuid

from flask import Flask, g, jsonify, request
from werkzeug.exceptions import HTTPException

from charter.config import Config
from charter.db import db


class RequestIdFilter(logging.Filter):
    """Adds the current request id to every log record emitted during a request."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            record.request_id = g.get("request_id", "-")
        except RuntimeError:  # outside an app context (jobs, startup)
            record.request_id = "-"
        return True


def _configure_logging() -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"))
    handler.addFilter(RequestIdFilter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(os.environ.get("LOG_LEVEL", "INFO"))


def create_app(config: type[Config] = Config) -> Flask:
    _configure_logging()
    config.validate()

    app = Flask(__name__)
    app.config.from_object(config)
    db.init_app(app)

    from charter.auth import bp as auth_bp
    from charter.reports.monthly import bp as monthly_bp
    from charter.reports.utilization import bp as utilization_bp
    from charter.services.invoices import bp as invoices_bp
    from charter.views.drivers import bp as drivers_bp
    from charter.views.quote_board import bp as board_bp
    from charter.views.quotes import bp as quotes_bp

    for blueprint in (auth_bp, quotes_bp, board_bp, drivers_bp, invoices_bp, monthly_bp, utilization_bp):
        app.register_blueprint(blueprint)

    @app.before_request
    def assign_request_id():
        g.request_id = request.headers.get("X-Request-ID") or uuid.uuid4().hex

    @app.after_request
    def echo_request_id(response):
        response.headers["X-Request-ID"] = g.request_id
        return response

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        return jsonify(error=exc.name.lower().replace(" ", "_"), message=exc.description), exc.code

    @app.get("/healthz")
    def healthz():
        with db.cursor() as cur:
            cur.execute("SELECT 1")
        return jsonify(status="ok")

    return app


if __name__ == "__main__":
    create_app().run(host="127.0.0.1", port=5000, debug=os.environ.get("FLASK_DEBUG") == "1")  # ok: SEC006
