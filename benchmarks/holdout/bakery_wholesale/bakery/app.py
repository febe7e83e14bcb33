"""Application factory, extensions and the Celery app for the wholesale portal."""
import logging
import uuid
from functools import lru_cache

from celery import Celery, Task
from flask import Flask, g, has_app_context, has_request_context, jsonify, request
from flask_cors import CORS
from flask_login import LoginManager
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import text

from bakery.config import Config

db = SQLAlchemy()
login_manager = LoginManager()
csrf = CSRFProtect()

TRUSTED_ORIGINS = [
    "https://order.crumbandco.com",
    "https://drivers.crumbandco.com",
]


class RequestIdFilter(logging.Filter):
    """Adds the current request id to every log record."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = g.get("request_id", "-") if has_request_context() else "-"
        return True


class AppContextTask(Task):
    """Runs each Celery task inside a Flask application context."""

    def __call__(self, *args, **kwargs):
        if has_app_context():
            return self.run(*args, **kwargs)
        with _worker_app().app_context():
            return self.run(*args, **kwargs)


celery_app = Celery("bakery", task_cls=AppContextTask)
celery_app.conf.update(
    broker_url=Config.CELERY_BROKER_URL,
    result_backend=Config.CELERY_RESULT_BACKEND,
    task_acks_late=True,
    task_reject_on_worker_lost=True,
    worker_prefetch_multiplier=1,
    imports=(
        "bakery.tasks",
        "bakery.billing.payments",
        "bakery.billing.stripe_gateway",
        "bakery.invoices.render",
        "bakery.delivery.routing_client",
    ),
)


@lru_cache(maxsize=1)
def _worker_app() -> Flask:
    return create_app()


def _configure_logging(level: str) -> None:
    handler = logging.StreamHandler()
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(
        logging.Formatter("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s")
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)


def create_app(config_object=Config) -> Flask:
    app = Flask(__name__)
    app.config.from_object(config_object)
    if not app.config.get("SECRET_KEY"):
        raise RuntimeError("SECRET_KEY must be set")

    _configure_logging(app.config["LOG_LEVEL"])
    db.init_app(app)
    login_manager.init_app(app)
    csrf.init_app(app)
    CORS(app, origins=TRUSTED_ORIGINS, supports_credentials=True)  # ok: SEC013

    from bakery.auth import auth_bp
    from bakery.billing.payments import webhooks_bp
    from bakery.delivery.manifests import manifests_bp
    from bakery.invoices.render import invoices_bp
    from bakery.models import User
    from bakery.orders.views import orders_bp

    csrf.exempt(webhooks_bp)  # ok: SEC014
    for blueprint in (auth_bp, orders_bp, invoices_bp, manifests_bp, webhooks_bp):
        app.register_blueprint(blueprint)

    @login_manager.user_loader
    def load_user(user_id: str):
        return db.session.get(User, int(user_id))

    @app.before_request
    def assign_request_id():
        g.request_id = request.headers.get("X-Request-ID") or uuid.uuid4().hex

    @app.after_request
    def echo_request_id(response):
        response.headers["X-Request-ID"] = g.get("request_id", "")
        return response

    @app.get("/healthz")
    def healthz():
        db.session.execute(text("SELECT 1"))
        return jsonify(status="ok")

    return app
