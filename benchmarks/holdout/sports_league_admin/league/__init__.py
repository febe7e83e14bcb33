"""Amateur league administration: Flask application factory."""
import logging
import os
import uuid

from flask import Flask, g, has_request_context, jsonify, request


class RequestIdFilter(logging.Filter):
    def filter(self, record):
        record.request_id = g.get("request_id", "-") if has_request_context() else "-"
        return True


def _configure_logging(app):
    handler = logging.StreamHandler()
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s [req=%(request_id)s] %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(app.config["LOG_LEVEL"])


def create_app(overrides=None):
    app = Flask(__name__)
    env = os.environ.get
    app.config.update(
        SECRET_KEY=env("LEAGUE_SECRET_KEY"),
        DATABASE_URL=env("LEAGUE_DATABASE_URL", "postgresql://league@localhost:5432/league"),
        DB_POOL_MAX=int(env("LEAGUE_DB_POOL_MAX", "10")),
        SCORES_DB_PATH=env("LEAGUE_SCORES_DB", "/srv/league/data/scores.sqlite3"),
        MAX_CONTENT_LENGTH=2 * 1024 * 1024,  # ok: SEC019
        SESSION_COOKIE_SECURE=True,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SMTP_HOST=env("LEAGUE_SMTP_HOST", "smtp.mailgun.org"),
        SMTP_PORT=int(env("LEAGUE_SMTP_PORT", "587")),
        SMTP_USER=env("LEAGUE_SMTP_USER", ""),
        SMTP_PASSWORD=env("LEAGUE_SMTP_PASSWORD", ""),
        MAIL_FROM=env("LEAGUE_MAIL_FROM", "office@riverside-league.example"),
        PAYMENTS_URL=env("LEAGUE_PAYMENTS_URL", "https://api.payments.example.com/v1"),
        PAYMENTS_API_KEY=env("LEAGUE_PAYMENTS_API_KEY", ""),
        FEDERATION_API_URL=env("LEAGUE_FEDERATION_API_URL", "https://registry.national-fed.example/api/v3"),
        FEDERATION_API_KEY=env("LEAGUE_FEDERATION_API_KEY", ""),
        LOG_LEVEL=env("LEAGUE_LOG_LEVEL", "INFO"),
    )
    if overrides:
        app.config.update(overrides)
    if not app.config["SECRET_KEY"]:
        raise RuntimeError("LEAGUE_SECRET_KEY must be set")

    _configure_logging(app)

    from . import announcements, auth, db, eligibility, exports, fees, fixtures, referees, registration, scores, standings

    db.init_app(app)
    eligibility.init_app(app)
    for module in (announcements, auth, exports, fees, fixtures, referees, registration, scores, standings):
        app.register_blueprint(module.bp)

    @app.before_request
    def _assign_request_id():
        g.request_id = (request.headers.get("X-Request-ID") or uuid.uuid4().hex)[:64]

    @app.after_request
    def _echo_request_id(response):
        response.headers["X-Request-ID"] = g.get("request_id", "")
        return response

    @app.get("/healthz")
    def healthz():
        return jsonify(status="ok")

    return app
