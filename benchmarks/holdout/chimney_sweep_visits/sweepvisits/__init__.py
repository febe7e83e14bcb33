"""Chimney sweep visits: Flask application factory.

Crews, appointments, certificates and landlord reports are all served from
this one app; Celery workers import the same factory through ``worker.py``.
"""
import logging
import uuid

from celery import Celery, Task
from flask import Flask, g, request
from flask_login import LoginManager
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect

db = SQLAlchemy()
login_manager = LoginManager()
csrf = CSRFProtect()


class RequestIdFilter(logging.Filter):
    """Stamp every log record with the id of the request that produced it."""

    def filter(self, record):
        try:
            record.request_id = g.get("request_id", "-")
        except RuntimeError:
            # Outside an app/request context (Celery, CLI).
            record.request_id = "-"
        return True


def _configure_logging(app):
    handler = logging.StreamHandler()
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(
        logging.Formatter("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s")
    )
    root = logging.getLogger()
    root.handlers = [handler]
    root.setLevel(app.config.get("LOG_LEVEL", "INFO"))


def celery_init_app(app):
    class FlaskTask(Task):
        def __call__(self, *args, **kwargs):
            with app.app_context():
                return self.run(*args, **kwargs)

    celery_app = Celery(app.name, task_cls=FlaskTask)
    celery_app.config_from_object(app.config["CELERY"])
    celery_app.set_default()
    app.extensions["celery"] = celery_app
    return celery_app


def create_app(config_object="sweepvisits.config.Config"):
    app = Flask(__name__)
    app.config.from_object(config_object)
    if not app.config.get("SECRET_KEY"):
        raise RuntimeError("FLASK_SECRET_KEY must be set")
    _configure_logging(app)

    db.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    csrf.init_app(app)
    celery_init_app(app)

    @app.before_request
    def assign_request_id():
        g.request_id = request.headers.get("X-Request-ID") or uuid.uuid4().hex

    @app.after_request
    def echo_request_id(response):
        response.headers["X-Request-ID"] = g.get("request_id", "")
        return response

    @app.get("/healthz")
    def healthz():
        db.session.execute(db.text("SELECT 1"))
        return {"status": "ok"}

    from .admin import bp as admin_bp
    from .auth import bp as auth_bp
    from .availability import bp as availability_bp
    from .reports.crew_daily import bp as crew_daily_bp
    from .reports.landlord_export import bp as landlord_bp
    from .views.appointments import bp as appointments_bp
    from .views.certificates import bp as certificates_bp
    from .views.crew_schedule import bp as crew_schedule_bp
    from .views.webhooks import bp as webhooks_bp

    for blueprint in (
        admin_bp,
        auth_bp,
        availability_bp,
        appointments_bp,
        certificates_bp,
        crew_schedule_bp,
        crew_daily_bp,
        landlord_bp,
        webhooks_bp,
    ):
        app.register_blueprint(blueprint)

    return app
