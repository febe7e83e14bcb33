"""Flask application factory for the board shack."""
from __future__ import annotations

import logging
import threading
import time
from datetime import datetime, timezone

from flask import Flask, jsonify
from pymongo.errors import PyMongoError

from shack.config import load_config
from shack.db import db_for, ensure_indexes, get_db, get_queue
from shack.forecast.client import get_forecast_client

logger = logging.getLogger("shack")

CONDITIONS_POLL_SECONDS = 900
UNSAFE_WIND_KNOTS = 25


def _watch_conditions(app: Flask) -> None:
    """Cancel today's lessons and tell the customers when the wind turns dangerous."""
    cfg = app.config["SHACK"]
    while True:
        try:
            with app.app_context():
                db = db_for(cfg)
                now = datetime.now(timezone.utc)
                for spot in db.spots.find({"lessons_enabled": True}, {"_id": 1, "name": 1}):
                    conditions = get_forecast_client().conditions_for(spot["_id"], now)
                    if conditions["wind_knots"] < UNSAFE_WIND_KNOTS:
                        continue
                    lessons = db.lessons.find({"spot_id": spot["_id"], "status": "booked", "starts_at": {"$gte": now}})
                    for lesson in lessons.limit(200):
                        db.lessons.update_one({"_id": lesson["_id"]}, {"$set": {"status": "cancelled_weather"}})
                        get_queue(cfg, "mail").enqueue("shack.lessons.booking.send_weather_cancellation", str(lesson["_id"]))
        except Exception:
            logger.exception("conditions watcher iteration failed")
        time.sleep(CONDITIONS_POLL_SECONDS)


def create_app() -> Flask:
    cfg = load_config()
    app = Flask(__name__)
    app.config.update(cfg.to_flask())
    app.config["SHACK"] = cfg
    logging.basicConfig(level=logging.DEBUG if cfg.debug else logging.INFO)

    from shack.lessons.routes import bp as lessons_bp
    from shack.payments.holds import bp as holds_bp
    from shack.rentals.routes import bp as rentals_bp
    from shack.reports.till import bp as reports_bp
    from shack.staff.routes import bp as staff_bp
    from shack.waivers.routes import bp as waivers_bp

    for blueprint in (rentals_bp, lessons_bp, waivers_bp, holds_bp, staff_bp, reports_bp):
        app.register_blueprint(blueprint)

    @app.get("/healthz")
    def healthz():
        try:
            get_db().command("ping")
        except PyMongoError:
            logger.exception("health check: mongo unreachable")
            return jsonify(status="unavailable"), 503
        return jsonify(status="ok")

    @app.errorhandler(413)
    def too_large(_err):
        return jsonify(error="upload too large"), 413

    with app.app_context():
        ensure_indexes(get_db())

    threading.Thread(target=_watch_conditions, args=(app,), name="conditions-watch", daemon=True).start()  # expect: SCL003
    return app
