import logging
import os

import stripe
from flask import Flask, g, jsonify, request
from sqlalchemy import create_engine
from sqlalchemy.orm import sessionmaker

logger = logging.getLogger("gym_rental")


def _env_flag(name: str, default: str = "0") -> bool:
    return os.environ.get(name, default).lower() in ("1", "true", "yes")


def create_app() -> Flask:
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=os.environ["FLASK_SECRET_KEY"],
        DEBUG=_env_flag("RENTAL_DEBUG"),  # ok: SEC006
        MAX_CONTENT_LENGTH=8 * 1024 * 1024,
        SESSION_COOKIE_SECURE=True,  # ok: SEC012
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
    )

    engine = create_engine(
        os.environ["DATABASE_URL"],
        pool_size=int(os.environ.get("DB_POOL_SIZE", "10")),
        pool_pre_ping=True,
        connect_args={"connect_timeout": 5},
    )
    app.extensions["session_factory"] = sessionmaker(engine, expire_on_commit=False)

    stripe.api_key = os.environ["STRIPE_SECRET_KEY"]  # ok: SEC005
    stripe.max_network_retries = 2

    @app.before_request
    def open_session():
        g.db = app.extensions["session_factory"]()
        g.request_id = request.headers.get("X-Request-ID", os.urandom(8).hex())

    @app.teardown_request
    def close_session(exc):
        db = g.pop("db", None)
        if db is not None:
            if exc is not None:
                db.rollback()
            db.close()

    @app.errorhandler(404)
    def not_found(_err):
        return jsonify({"error": {"code": "not_found", "message": "resource not found"}}), 404

    @app.errorhandler(409)
    def conflict(err):
        return jsonify({"error": {"code": "conflict", "message": err.description}}), 409

    @app.get("/healthz")
    def healthz():
        return jsonify({"status": "ok"})

    from catalogue_views import catalogue_bp
    from inventory_admin_views import inventory_admin_bp
    from booking_views import booking_bp
    from damage_claims import claims_bp
    from member_auth import auth_bp
    from wallet_service import wallet_bp
    from deposit_refunds import refunds_bp

    for bp in (catalogue_bp, inventory_admin_bp, booking_bp, claims_bp, auth_bp,
               wallet_bp, refunds_bp):
        app.register_blueprint(bp)

    logger.info("rental app configured", extra={"debug": app.config["DEBUG"]})
    return app


if __name__ == "__main__":
    create_app().run(host="127.0.0.1", port=int(os.environ.get("PORT", "8000")))
