"""Flask application factory for the points exchange API."""
from __future__ import annotations

import logging
import os
import uuid

from flask import Flask, g, jsonify, request
from flask_cors import CORS
from werkzeug.exceptions import HTTPException

from loyalty import admin, db, earn, ratelimit, redeem, settlement, statements, tokens, transfers, vouchers


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


def create_app() -> Flask:
    _configure_logging()
    app = Flask(__name__)
    app.config.update(
        DEBUG=os.environ.get("FLASK_DEBUG", "0") == "1",  # ok: SEC006
        MAX_CONTENT_LENGTH=256 * 1024,
        JSON_SORT_KEYS=False,
    )
    CORS(  # ok: SEC013
        app,
        origins=["https://app.pointsexchange.example", "https://backoffice.pointsexchange.example"],
        supports_credentials=True,
    )

    db.init_pool(os.environ.get("DATABASE_URL"))
    tokens.bp.before_request(ratelimit.check_login_throttle)
    tokens.configure(app)
    for blueprint in (earn.bp, redeem.bp, transfers.bp, vouchers.bp, statements.bp, admin.bp, settlement.bp):
        app.register_blueprint(blueprint)

    @app.before_request
    def _assign_request_id():
        g.request_id = request.headers.get("X-Request-ID") or uuid.uuid4().hex

    @app.after_request
    def _echo_request_id(response):
        response.headers["X-Request-ID"] = g.get("request_id", "")
        return response

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException):
        return jsonify({"error": exc.name.lower().replace(" ", "_")}), exc.code

    @app.errorhandler(Exception)
    def _unhandled(exc: Exception):
        logging.getLogger("loyalty.app").exception("unhandled error on %s %s", request.method, request.path)
        return jsonify({"error": "internal_error", "request_id": g.get("request_id")}), 500

    @app.get("/healthz")
    def healthz():
        with db.connection() as conn:
            conn.execute("SELECT 1")
        return jsonify({"status": "ok"})

    return app
