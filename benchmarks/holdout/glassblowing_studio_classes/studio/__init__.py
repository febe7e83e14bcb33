"""Hot Shop glassblowing studio: classes, furnace time, kilns and gift cards."""
import logging
import uuid

from flask import Flask, g, jsonify, request

from . import db
from .config import get_config

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"


class RequestIdFilter(logging.Filter):
    """Stamp every record with the id of the request being served."""

    def filter(self, record):
        try:
            record.request_id = g.get("request_id", "-")
        except RuntimeError:  # outside an app context (startup, CLI)
            record.request_id = "-"
        return True


def _configure_logging(level):
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter(LOG_FORMAT))
    handler.addFilter(RequestIdFilter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)


def create_app(config_name=None):
    app = Flask(__name__)
    app.config.from_object(get_config(config_name))
    if not app.config.get("SECRET_KEY"):
        raise RuntimeError("SECRET_KEY must be set")
    _configure_logging(logging.DEBUG if app.debug else logging.INFO)
    db.init_app(app)

    @app.before_request
    def _assign_request_id():
        g.request_id = request.headers.get("X-Request-ID") or uuid.uuid4().hex

    @app.after_request
    def _echo_request_id(response):
        response.headers["X-Request-ID"] = g.get("request_id", "")
        return response

    @app.errorhandler(413)
    def _too_large(_err):
        return jsonify(error="upload_too_large"), 413

    @app.errorhandler(404)
    def _not_found(_err):
        return jsonify(error="not_found"), 404

    @app.get("/healthz")
    def healthz():
        try:
            db.ping()
        except Exception:
            logging.getLogger(__name__).exception("health check failed")
            return jsonify(status="degraded"), 503
        return jsonify(status="ok")

    from .admin_reports import bp as admin_reports_bp
    from .auth import bp as auth_bp
    from .class_sessions import bp as sessions_bp
    from .furnace import bp as furnace_bp
    from .gift_redemption import bp as redemption_bp
    from .giftcards import bp as giftcards_bp
    from .kiln_reports import bp as kiln_reports_bp
    from .kilns import bp as kilns_bp
    from .photos import bp as photos_bp
    from .projects import bp as projects_bp
    from .supplier_webhooks import bp as supplier_webhooks_bp

    for blueprint in (
        auth_bp, sessions_bp, furnace_bp, giftcards_bp, redemption_bp, photos_bp,
        projects_bp, kilns_bp, admin_reports_bp, kiln_reports_bp, supplier_webhooks_bp,
    ):
        app.register_blueprint(blueprint)
    return app
