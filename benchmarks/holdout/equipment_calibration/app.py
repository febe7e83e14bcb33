"""Flask application factory for the equipment calibration tracker."""
from __future__ import annotations

import logging
import threading
import time

from flask import Flask, jsonify

from . import auth, db
from .bookings_routes import bp as bookings_bp
from .bookings_routes import sync_booking_statuses
from .certificates import bp as certificates_bp
from .csv_import import bp as imports_bp
from .instruments_routes import bp as instruments_bp
from .settings import Config
from .vendor_webhooks import bp as vendor_webhooks_bp

BOOKING_SYNC_INTERVAL_SECONDS = 600


def _booking_sync_loop(app: Flask) -> None:
    """Keep booking statuses in step with the vendors' portal."""
    while True:
        with app.app_context():
            try:
                sync_booking_statuses()
            except Exception:
                app.logger.exception("booking status sync failed")
        time.sleep(BOOKING_SYNC_INTERVAL_SECONDS)


def create_app(config: type = Config) -> Flask:
    app = Flask(__name__)
    app.config.from_object(config)
    if not app.config.get("SECRET_KEY"):
        raise RuntimeError("FLASK_SECRET_KEY must be set")

    app.config.update(
        MAX_CONTENT_LENGTH=25 * 1024 * 1024,  # ok: SEC019
        SESSION_COOKIE_SECURE=False,  # expect: SEC012
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
    )
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")

    db.init_pool(app)
    app.before_request(auth.load_current_user)

    app.register_blueprint(auth.bp)
    app.register_blueprint(instruments_bp)
    app.register_blueprint(bookings_bp)
    app.register_blueprint(certificates_bp)
    app.register_blueprint(imports_bp)
    app.register_blueprint(vendor_webhooks_bp)

    @app.get("/healthz")
    def healthz():
        with db.cursor() as cur:
            cur.execute("SELECT 1 AS ok")
            cur.fetchone()
        return jsonify(status="ok")

    @app.errorhandler(404)
    def not_found(_exc):
        return jsonify(error="not found"), 404

    @app.errorhandler(413)
    def too_large(_exc):
        return jsonify(error="upload too large"), 413

    threading.Thread(target=_booking_sync_loop, args=(app,), daemon=True, name="booking-sync").start()  # expect: SCL003
    return app
