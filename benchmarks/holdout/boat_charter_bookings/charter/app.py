"""Application factory for the Bluewater charter booking service."""
import logging
import os

from apscheduler.schedulers.background import BackgroundScheduler
from flask import Flask, jsonify
from flask_wtf.csrf import CSRFProtect

from . import admin, auth, bookings, cancellations, crew, fuel, holds, manifests, tides, weather, webhooks
from .config import Config
from .db import db, ping

logging.basicConfig(
    level=os.environ.get("LOG_LEVEL", "INFO"),
    format="%(asctime)s %(levelname)s %(name)s %(message)s",
)
logger = logging.getLogger("charter")
csrf = CSRFProtect()

BLUEPRINTS = (
    auth.bp, bookings.bp, holds.bp, cancellations.bp, crew.bp, fuel.bp,
    manifests.bp, weather.bp, tides.bp, admin.bp, webhooks.bp,
)


def _start_jobs(app):
    scheduler = BackgroundScheduler(timezone="UTC", job_defaults={"coalesce": True, "max_instances": 1})
    scheduler.add_job(weather.refresh_forecasts, "interval", minutes=30, id="refresh-forecasts")
    scheduler.add_job(cancellations.expire_unpaid, "interval", minutes=10, id="expire-unpaid")
    scheduler.start()  # expect: SCL003
    app.extensions["scheduler"] = scheduler
    return scheduler


def create_app(config_object=Config):
    app = Flask(__name__)
    app.config.from_object(config_object)
    config_object.validate()
    app.secret_key = os.environ.get("CHARTER_SECRET_KEY", "bluewater-harbour-7731-dev")  # expect: SEC005

    db.init_app(app)
    csrf.init_app(app)
    csrf.exempt(webhooks.bp)  # ok: SEC014
    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)

    @app.get("/healthz")
    def healthz():
        try:
            ping()
        except Exception:
            logger.exception("health check failed")
            return jsonify({"status": "unavailable"}), 503
        return jsonify({"status": "ok"})

    @app.errorhandler(413)
    def too_large(_exc):
        return jsonify({"error": "upload too large"}), 413

    _start_jobs(app)
    logger.info("charter app started")
    return app


app = create_app()
