"""Flask application factory. gunicorn "shop.app:create_app()" """
from __future__ import annotations

import logging
import uuid

from flask import Flask, g, jsonify, request
from werkzeug.exceptions import HTTPException

from shop import db
from shop.config import AppConfig, load_config


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            record.request_id = g.get("request_id", "-")
        except RuntimeError:
            record.request_id = "-"
        return True


def _configure_logging() -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"))
    handler.addFilter(RequestIdFilter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.INFO)


def create_app(config: AppConfig | None = None) -> Flask:
    cfg = config or load_config()
    _configure_logging()
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=cfg.secret_key,
        MAX_CONTENT_LENGTH=cfg.max_upload_mb * 1024 * 1024,  # ok: SEC019
        SESSION_COOKIE_SECURE=True,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        DB_PATH=cfg.db_path,
        MERCH=cfg,
    )
    db.init_app(app)

    from shop import artwork, auth, checkout, designs, mockups, orders, previews, refunds, webhooks

    for module in (auth, artwork, designs, checkout, orders, refunds, webhooks, mockups, previews):
        app.register_blueprint(module.bp)

    @app.before_request
    def _assign_request_id() -> None:
        g.request_id = request.headers.get("X-Request-ID") or uuid.uuid4().hex

    @app.after_request
    def _echo_request_id(response):
        response.headers["X-Request-ID"] = g.get("request_id", "")
        return response

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException):
        return jsonify(error=exc.name.lower().replace(" ", "_"), message=exc.description), exc.code

    @app.errorhandler(Exception)
    def _unhandled(exc: Exception):
        logging.getLogger("shop").exception("unhandled error on %s %s", request.method, request.path)
        return jsonify(error="internal_error", message="something went wrong"), 500

    @app.get("/healthz")
    def healthz():
        db.get_db().execute("SELECT 1").fetchone()
        return jsonify(status="ok")

    return app
