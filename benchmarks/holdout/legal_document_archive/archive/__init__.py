"""Legal document archive: Flask application factory."""
import logging
import os
import uuid

from flask import Flask, g, has_request_context, jsonify, request
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect

from archive.db import get_conn, init_pool

csrf = CSRFProtect()
login_manager = LoginManager()


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = g.get("request_id", "-") if has_request_context() else "-"
        return True


def _configure_logging(app: Flask) -> None:
    level = os.environ.get("ARCHIVE_LOG_LEVEL", "INFO").upper()
    handler = logging.StreamHandler()
    handler.addFilter(RequestIdFilter())
    logging.basicConfig(
        level=level,
        format="%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s",
        handlers=[handler],
    )
    app.logger.setLevel(level)

    @app.before_request
    def _bind_request_id():
        g.request_id = request.headers.get("X-Request-ID") or uuid.uuid4().hex

    @app.after_request
    def _echo_request_id(response):
        response.headers["X-Request-ID"] = g.get("request_id", "-")
        return response


def create_app() -> Flask:
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=os.environ.get("ARCHIVE_SECRET_KEY", "b7e41d09c2a85f36e1d4a7c09f3b62d8"),  # expect: SEC005
        SESSION_COOKIE_NAME="archive_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SECURE=False,  # expect: SEC012
        SESSION_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_SECURE=True,
        REMEMBER_COOKIE_HTTPONLY=True,
        SHARE_LINK_TTL_DAYS=int(os.environ.get("ARCHIVE_SHARE_LINK_TTL_DAYS", "14")),
        DOWNLOAD_URL_TTL_SECONDS=300,
        PREFERRED_URL_SCHEME="https",
    )
    _configure_logging(app)

    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.session_protection = "strong"

    from archive import admin, auth, documents, search, sharing

    app.register_blueprint(auth.bp)
    app.register_blueprint(documents.bp)
    app.register_blueprint(search.bp)
    app.register_blueprint(sharing.bp)
    app.register_blueprint(admin.bp, url_prefix="/admin")

    # the desktop scanner plugin posts multipart uploads with the browser session
    # and has no way to send the CSRF header
    csrf.exempt(documents.bp)  # expect: SEC014

    init_pool(minconn=2, maxconn=int(os.environ.get("ARCHIVE_DB_POOL_SIZE", "10")))

    @app.get("/healthz")
    def healthz():
        with get_conn() as conn, conn.cursor() as cur:
            cur.execute("SELECT 1")
        return jsonify(status="ok")

    @app.errorhandler(404)
    def not_found(_exc):
        return jsonify(error="not_found"), 404

    @app.errorhandler(403)
    def forbidden(_exc):
        return jsonify(error="forbidden"), 403

    return app
