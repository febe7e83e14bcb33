import logging
import uuid

import stripe
from apscheduler.schedulers.background import BackgroundScheduler
from flask import Flask, g, jsonify, request
from sqlalchemy import create_engine
from sqlalchemy.orm import sessionmaker

from .config import configure_logging, load_settings

logger = logging.getLogger(__name__)


def _register_blueprints(app):
    from . import admin_auth, campaigns, donations, finance_export, gift_aid, receipts, recurring, refunds, stripe_webhooks

    for module in (admin_auth, campaigns, donations, finance_export, gift_aid, receipts, recurring, refunds, stripe_webhooks):
        app.register_blueprint(module.bp)


def _start_jobs(app):
    from .receipt_outbox import flush_receipt_outbox
    from .recurring import charge_due_plans

    scheduler = BackgroundScheduler(timezone="Europe/London")
    scheduler.add_job(charge_due_plans, "cron", hour=6, minute=0, args=[app], id="recurring-charges")
    scheduler.add_job(flush_receipt_outbox, "interval", minutes=2, args=[app], id="receipt-outbox", max_instances=1)
    scheduler.start()  # expect: SCL003
    app.extensions["scheduler"] = scheduler


def create_app():
    settings = load_settings()
    configure_logging()
    stripe.max_network_retries = 0

    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=settings.secret_key,
        MAX_CONTENT_LENGTH=settings.max_content_length,  # ok: SEC019
        SESSION_COOKIE_SECURE=settings.session_cookie_secure,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
    )
    engine = create_engine(
        settings.database_url,
        pool_size=10,
        max_overflow=5,
        pool_timeout=10,
        pool_pre_ping=True,
        connect_args={"connect_timeout": 5},
    )
    app.extensions["settings"] = settings
    app.extensions["db_sessionmaker"] = sessionmaker(engine, expire_on_commit=False)

    @app.before_request
    def _bind_request():
        g.request_id = request.headers.get("X-Request-ID") or uuid.uuid4().hex
        g.db = app.extensions["db_sessionmaker"]()

    @app.teardown_request
    def _close_session(exc):
        db = g.pop("db", None)
        if db is not None:
            if exc is not None:
                db.rollback()
            db.close()

    @app.after_request
    def _echo_request_id(response):
        response.headers["X-Request-ID"] = g.get("request_id", "")
        return response

    @app.errorhandler(404)
    def _not_found(_exc):
        return jsonify({"error": {"code": "not_found", "message": "Not found"}}), 404

    @app.errorhandler(401)
    def _unauthorised(_exc):
        return jsonify({"error": {"code": "unauthorised", "message": "Login required"}}), 401

    @app.errorhandler(500)
    def _server_error(_exc):
        logger.error("unhandled error on %s %s", request.method, request.path)
        return jsonify({"error": {"code": "server_error", "message": "Something went wrong"}}), 500

    @app.get("/healthz")
    def healthz():
        return jsonify({"status": "ok"})

    _register_blueprints(app)
    _start_jobs(app)
    return app
