"""Hive kit and queen bee order service.

``create_app`` builds the Flask application used by gunicorn
(``gunicorn 'hivekit:create_app()'``) and by the test-suite.
"""
import logging
import uuid

from flask import Flask, g, jsonify, request
from flask_cors import CORS
from werkzeug.exceptions import HTTPException

from . import config
from .db import open_pool, pool


class RequestIdFilter(logging.Filter):
    """Stamp every log record with the id of the request being served."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            record.request_id = g.get("request_id", "-")
        except RuntimeError:  # outside an application context (jobs, CLI)
            record.request_id = "-"
        return True


def _configure_logging() -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(
        logging.Formatter("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s")
    )
    handler.addFilter(RequestIdFilter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(config.LOG_LEVEL)


def create_app() -> Flask:
    if not config.SECRET_KEY and not config.DEBUG:
        raise RuntimeError("HIVEKIT_SECRET_KEY must be set outside debug mode")

    _configure_logging()
    app = Flask(__name__)
    app.config.from_object(config)
    app.config["MAX_CONTENT_LENGTH"] = config.MAX_UPLOAD_BYTES

    # The shop and the staff console are on their own subdomains and send the session cookie.
    CORS(app, origins=config.ALLOWED_ORIGINS, supports_credentials=True)  # ok: SEC013

    from .admin.exports import exports_bp
    from .admin.reports import reports_bp
    from .catalog.views import catalog_bp
    from .invoices.render import invoices_bp
    from .invoices.storage import invoice_links_bp
    from .notify.ship_notices import send_ship_notices_command
    from .orders.checkout import checkout_bp
    from .orders.queen_bookings import bookings_bp
    from .orders.shipping_windows import windows_bp
    from .webhooks.restock import restock_bp

    for blueprint in (
        catalog_bp, checkout_bp, windows_bp, bookings_bp, restock_bp,
        invoices_bp, invoice_links_bp, reports_bp, exports_bp,
    ):
        app.register_blueprint(blueprint)
    app.cli.add_command(send_ship_notices_command)

    @app.before_request
    def assign_request_id():
        g.request_id = request.headers.get("X-Request-ID") or uuid.uuid4().hex

    @app.after_request
    def echo_request_id(response):
        response.headers["X-Request-ID"] = g.get("request_id", "-")
        return response

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        code = (exc.name or "error").lower().replace(" ", "_")
        return jsonify(error={"code": code, "message": exc.description}), exc.code

    @app.get("/healthz")
    def healthz():
        with pool.connection() as conn:
            conn.execute("SELECT 1")
        return jsonify(status="ok")

    open_pool()
    return app
