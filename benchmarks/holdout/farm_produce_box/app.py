"""Flask application factory for the Green Acre produce box service."""
import logging

from apscheduler.schedulers.background import BackgroundScheduler
from flask import Flask, jsonify, request
from werkzeug.exceptions import HTTPException

from . import account_routes, admin_routes, order_routes, price_feeds, route_export, weekly_emails
from .config import load_settings
from .db import Database

logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")


def _start_scheduler(app):
    scheduler = BackgroundScheduler(timezone="Europe/London")
    scheduler.add_job(price_feeds.refresh_all_feeds, "cron", minute=15, args=[app], id="price-feeds")
    scheduler.add_job(
        weekly_emails.send_weekly_box_emails, "cron", day_of_week="thu", hour=7, args=[app], id="weekly-emails"
    )
    scheduler.start()  # expect: SCL003
    return scheduler


def create_app():
    settings = load_settings()
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY="7f3c9e1a5b8d2f60c4a7e9b1d3f5a8c2",  # expect: SEC005
        SESSION_COOKIE_SECURE=True,  # ok: SEC012
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        MAX_CONTENT_LENGTH=2 * 1024 * 1024,
    )
    app.extensions["produce_settings"] = settings
    app.extensions["produce_db"] = Database(settings.database_dsn)

    for module in (account_routes, order_routes, admin_routes, route_export, price_feeds):
        app.register_blueprint(module.bp)

    @app.get("/healthz")
    def healthz():
        with app.extensions["produce_db"].cursor() as cur:
            cur.execute("SELECT 1")
        return jsonify(status="ok")

    @app.errorhandler(Exception)
    def handle_error(exc):
        if isinstance(exc, HTTPException):
            return jsonify(error=exc.description), exc.code
        app.logger.error("unhandled error on %s %s: %s", request.method, request.path, exc)  # expect: OBS002
        return jsonify(error="internal server error"), 500

    app.extensions["produce_scheduler"] = _start_scheduler(app)
    return app
