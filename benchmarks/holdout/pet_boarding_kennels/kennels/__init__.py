"""Application factory for the Pawsbury boarding kennels portal."""
import logging
import os

import stripe
from celery import Celery, Task
from flask import Flask, jsonify
from flask_login import LoginManager
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import text

db = SQLAlchemy()
login_manager = LoginManager()
login_manager.login_view = "auth.login"

log = logging.getLogger(__name__)


def _init_celery(app: Flask) -> Celery:
    class FlaskTask(Task):
        def __call__(self, *args, **kwargs):
            with app.app_context():
                return self.run(*args, **kwargs)

    celery_app = Celery(app.name, task_cls=FlaskTask)
    celery_app.config_from_object(app.config["CELERY"])
    celery_app.set_default()
    app.extensions["celery"] = celery_app
    return celery_app


def _register_blueprints(app: Flask) -> None:
    from kennels.auth import bp as auth_bp
    from kennels.bookings.capacity import bp as reservations_bp
    from kennels.bookings.routes import bp as bookings_bp
    from kennels.staff.rota import bp as rota_bp
    from kennels.staff.schedule import bp as schedule_bp
    from kennels.vaccinations.routes import bp as vaccinations_bp
    from kennels.vaccinations.storage import bp as records_bp

    for blueprint in (auth_bp, bookings_bp, reservations_bp, vaccinations_bp,
                      records_bp, rota_bp, schedule_bp):
        app.register_blueprint(blueprint)


def create_app(config_object: str | None = None) -> Flask:
    app = Flask(__name__)
    app.config.from_object(
        config_object or os.environ.get("KENNELS_CONFIG", "kennels.config.ProductionConfig")
    )
    logging.basicConfig(
        level=app.config.get("LOG_LEVEL", "INFO"),
        format="%(asctime)s %(levelname)s %(name)s %(message)s",
    )

    db.init_app(app)
    login_manager.init_app(app)
    _init_celery(app)
    stripe.api_key = app.config["STRIPE_SECRET_KEY"]
    stripe.max_network_retries = 2

    _register_blueprints(app)

    @app.get("/healthz")
    def healthz():
        try:
            db.session.execute(text("SELECT 1"))
        except Exception:
            log.exception("health check could not reach the database")
            return jsonify(status="degraded"), 503
        return jsonify(status="ok")

    @app.errorhandler(413)
    def too_large(_err):
        return jsonify(error="file too large"), 413

    @app.errorhandler(404)
    def not_found(_err):
        return jsonify(error="not found"), 404

    return app
