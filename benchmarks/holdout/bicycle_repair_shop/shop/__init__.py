"""Application factory for the repair shop back office and customer portal."""
import logging
import os

from celery import Celery, Task
from flask import Flask, jsonify
from flask_login import LoginManager
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect

db = SQLAlchemy()
login_manager = LoginManager()
csrf = CSRFProtect()

log = logging.getLogger(__name__)


def _celery_init(app: Flask) -> Celery:
    class FlaskTask(Task):
        def __call__(self, *args, **kwargs):
            with app.app_context():
                return self.run(*args, **kwargs)

    celery_app = Celery(app.name, task_cls=FlaskTask)
    celery_app.config_from_object(app.config["CELERY"])
    celery_app.set_default()
    app.extensions["celery"] = celery_app
    return celery_app


def create_app(config_name: str | None = None) -> Flask:
    app = Flask(__name__)
    config_name = config_name or os.environ.get("SHOP_CONFIG", "production")
    app.config.from_object(f"shop.config.{config_name.capitalize()}Config")
    app.config["MAX_CONTENT_LENGTH"] = 5 * 1024 * 1024

    db.init_app(app)
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    _celery_init(app)

    from .billing.invoices import bp as invoices_bp
    from .billing.payments import bp as counter_bp
    from .billing.webhooks import bp as webhooks_bp
    from .inventory.stock import bp as stock_bp
    from .reports import bp as reports_bp
    from .tickets.customer_views import bp as portal_bp
    from .tickets.views import bp as tickets_bp

    app.register_blueprint(tickets_bp, url_prefix="/staff/tickets")
    app.register_blueprint(portal_bp, url_prefix="/my")
    app.register_blueprint(stock_bp, url_prefix="/staff/stock")
    app.register_blueprint(invoices_bp, url_prefix="/invoices")
    app.register_blueprint(counter_bp, url_prefix="/staff/counter")
    app.register_blueprint(webhooks_bp, url_prefix="/hooks")
    app.register_blueprint(reports_bp, url_prefix="/staff/reports")

    @app.get("/healthz")
    def healthz():
        db.session.execute(db.text("SELECT 1"))
        return jsonify(status="ok")

    return app


@login_manager.user_loader
def load_user(user_id: str):
    from .models import User

    return db.session.get(User, int(user_id))
