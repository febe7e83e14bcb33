"""Flask application factory for the marketplace payouts service."""

import logging
import os
import uuid
from typing import Optional

from flask import Flask, g, jsonify, request
from flask_cors import CORS
from sqlalchemy import text
from werkzeug.exceptions import HTTPException

from . import db, routes, webhooks
from .config import Config


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            record.request_id = g.get("request_id", "-")
        except RuntimeError:
            record.request_id = "-"
        return True


def _configure_logging() -> None:
    handler = logging.StreamHandler()
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(os.environ.get("LOG_LEVEL", "INFO"))


def create_app(config: Optional[Config] = None) -> Flask:
    _configure_logging()
    cfg = config or Config.from_env()
    app = Flask(__name__)
    app.config.update(cfg.as_flask_config())

    db.init_app(app, db.make_engine(cfg.SQLALCHEMY_DATABASE_URI))
    CORS(app, resources={r"/api/*": {"origins": cfg.CORS_ORIGINS}}, supports_credentials=True)  # ok: SEC013

    app.register_blueprint(routes.bp)
    app.register_blueprint(webhooks.bp)

    @app.before_request
    def assign_request_id():
        g.request_id = request.headers.get("X-Request-ID") or uuid.uuid4().hex

    @app.after_request
    def echo_request_id(response):
        response.headers["X-Request-ID"] = g.get("request_id", "")
        return response

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        return jsonify(error=exc.name.lower().replace(" ", "_"), message=exc.description), exc.code

    @app.errorhandler(Exception)
    def unhandled(exc: Exception):
        app.logger.exception("unhandled error on %s %s", request.method, request.path)
        return jsonify(error="internal_error", request_id=g.get("request_id")), 500

    @app.get("/healthz")
    def healthz():
        with app.extensions["payouts.engine"].connect() as conn:
            conn.execute(text("SELECT 1"))
        return jsonify(status="ok")

    return app


if __name__ == "__main__":
    create_app().run(host="0.0.0.0", port=int(os.environ.get("PORT", "8000")), debug=os.environ.get("FLASK_DEBUG") == "1")  # ok: SEC006
