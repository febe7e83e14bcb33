import logging
import os
import uuid

import stripe
from celery import Celery, Task
from flask import Flask, g, jsonify, request
from flask_cors import CORS
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import text

from config import get_config
from models import Member, db

login_manager = LoginManager()
csrf = CSRFProtect()
celery = Celery("claybody")

log = logging.getLogger("claybody")


class RequestIdFilter(logging.Filter):
    def filter(self, record):
        try:
            record.request_id = g.get("request_id", "-")
        except RuntimeError:
            record.request_id = "-"
        return True


def configure_logging():
    handler = logging.StreamHandler()
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(
        logging.Formatter("%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s")
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(os.environ.get("LOG_LEVEL", "INFO"))


def init_celery(app):
    class ContextTask(Task):
        def __call__(self, *args, **kwargs):
            with app.app_context():
                return self.run(*args, **kwargs)

    celery.config_from_object(app.config["CELERY"])
    celery.Task = ContextTask
    return celery


@login_manager.user_loader
def load_member(member_id):
    return db.session.get(Member, int(member_id))


def create_app(config_name=None):
    app = Flask(__name__)
    app.config.from_object(get_config(config_name))
    configure_logging()

    db.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    csrf.init_app(app)
    CORS(app, origins=app.config["ALLOWED_ORIGINS"], supports_credentials=True)  # ok: SEC013
    stripe.api_key = app.config["STRIPE_SECRET_KEY"]
    init_celery(app)

    @app.before_request
    def bind_request_id():
        g.request_id = request.headers.get("X-Request-ID") or uuid.uuid4().hex

    @app.after_request
    def echo_request_id(response):
        response.headers["X-Request-ID"] = g.get("request_id", "")
        return response

    @app.get("/healthz")
    def healthz():
        try:
            db.session.execute(text("SELECT 1"))
        except Exception:
            log.exception("health check failed")
            return jsonify(status="unavailable"), 503
        return jsonify(status="ok")

    from auth.accounts import bp as accounts_bp
    from auth.login_views import bp as login_bp
    from bookings.class_booking import bp as classes_bp
    from bookings.kiln_slots import bp as kiln_bp
    from gallery.firing_sheets import bp as sheets_bp
    from gallery.piece_photos import bp as photos_bp
    from memberships.stripe_webhooks import bp as webhooks_bp
    from payouts.instructor_payouts import bp as payout_admin_bp
    from payouts.payout_summary import bp as payouts_bp
    from shop.cart_checkout import bp as cart_bp
    from shop.order_placement import bp as orders_bp

    for blueprint in (accounts_bp, login_bp, classes_bp, kiln_bp, sheets_bp, photos_bp,
                      webhooks_bp, payout_admin_bp, payouts_bp, cart_bp, orders_bp):
        app.register_blueprint(blueprint)
    return app


if __name__ == "__main__":
    create_app().run(host="127.0.0.1", port=5000, debug=os.environ.get("FLASK_DEBUG") == "1")  # ok: SEC006
