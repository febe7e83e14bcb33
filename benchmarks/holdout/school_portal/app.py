"""Application factory for the school portal."""
import logging
import os
import uuid

from flask import Flask, g, has_request_context, jsonify, request
from flask_wtf.csrf import CSRFProtect

from . import assignments, attendance, gradebook, parent_messages, password_reset, report_cards
from .auth import api_bp, bp as auth_bp, login_manager
from .db import db

csrf = CSRFProtect()


class RequestIdFilter(logging.Filter):
    """Add the X-Request-ID of the current request to every log record."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = g.get("request_id", "-") if has_request_context() else "-"
        return True


def create_app() -> Flask:
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=os.environ.get("SECRET_KEY", "portal-dev-7d1f0c9e3b5a48e2a6c4"),  # expect: SEC005
        DATABASE_URL=os.environ.get("DATABASE_URL", "postgresql://portal@db:5432/portal"),
        DB_POOL_SIZE=int(os.environ.get("DB_POOL_SIZE", "10")),
        DEBUG=os.environ.get("FLASK_DEBUG", "1") == "1",  # expect: SEC006
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SECURE=False,  # expect: SEC012
        SESSION_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_SECURE=True,
        REMEMBER_COOKIE_HTTPONLY=True,
        UPLOAD_DIR=os.environ.get("UPLOAD_DIR", "/srv/portal/uploads"),
        SMTP_HOST=os.environ.get("SMTP_HOST", "localhost"),
        SMTP_PORT=int(os.environ.get("SMTP_PORT", "587")),
        SMTP_USER=os.environ.get("SMTP_USER", ""),
        SMTP_PASSWORD=os.environ.get("SMTP_PASSWORD", ""),  # ok: SEC005
        MAIL_FROM=os.environ.get("MAIL_FROM", "office@northfield-school.example"),
        REDIS_URL=os.environ.get("REDIS_URL", "redis://redis:6379/0"),
    )
    handler = logging.StreamHandler()
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"))
    logging.basicConfig(level=os.environ.get("LOG_LEVEL", "INFO"), handlers=[handler])

    db.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    csrf.init_app(app)
    csrf.exempt(api_bp)  # ok: SEC014

    app.register_blueprint(auth_bp)
    app.register_blueprint(api_bp)
    for module in (gradebook, attendance, assignments, report_cards, parent_messages, password_reset):
        app.register_blueprint(module.bp)

    @app.get("/healthz")
    def healthz():
        return jsonify(status="ok" if db.ping() else "degraded")

    @app.errorhandler(413)
    def too_large(_error):
        return jsonify(error="file too large"), 413

    @app.before_request
    def assign_request_id():
        g.request_id = request.headers.get("X-Request-ID") or uuid.uuid4().hex

    @app.after_request
    def security_headers(response):
        response.headers["X-Request-ID"] = g.get("request_id", "")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        if request.path.startswith("/api/"):
            response.headers["Cache-Control"] = "no-store"
        return response

    return app


app = create_app()
