"""Application factory for the print shop storefront, customer API and admin pages."""
import logging
import os
from datetime import datetime, timedelta

import stripe
from apscheduler.schedulers.background import BackgroundScheduler
from celery import Celery, Task
from flask import Flask
from flask_login import LoginManager
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect

db = SQLAlchemy()
csrf = CSRFProtect()
login_manager = LoginManager()
celery_app = Celery("print_shop")

logger = logging.getLogger("print_shop")


def _remind_expiring_quotes(app: Flask) -> None:
    """E-mail customers whose open quotes expire within two days."""
    from .models import Quote
    from .print_jobs import send_quote_expiry_reminder

    with app.app_context():
        soon = datetime.utcnow() - timedelta(days=28)
        quotes = Quote.query.filter(Quote.status == "open", Quote.created_at < soon).limit(500).all()
        for quote in quotes:
            send_quote_expiry_reminder.delay(quote.id)
        logger.info("queued %d quote expiry reminders", len(quotes))


def _init_celery(app: Flask) -> None:
    class AppContextTask(Task):
        def __call__(self, *args, **kwargs):
            with app.app_context():
                return self.run(*args, **kwargs)

    celery_app.conf.update(
        broker_url=app.config["CELERY_BROKER_URL"],
        task_acks_late=True,
        task_default_queue="print_shop",
    )
    celery_app.Task = AppContextTask


def create_app() -> Flask:
    app = Flask(__name__)
    app.config["SECRET_KEY"] = os.environ["FLASK_SECRET_KEY"]
    app.config["SQLALCHEMY_DATABASE_URI"] = os.environ.get("DATABASE_URL", "postgresql://printshop@localhost/printshop")
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {"pool_pre_ping": True, "pool_size": 10, "connect_args": {"connect_timeout": 5}}
    app.config["MAX_CONTENT_LENGTH"] = 200 * 1024 * 1024  # ok: SEC019
    app.config["SESSION_COOKIE_SECURE"] = True  # ok: SEC012
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    app.config["DEBUG"] = os.environ.get("FLASK_DEBUG", "1") == "1"  # expect: SEC006
    app.config["CELERY_BROKER_URL"] = os.environ.get("CELERY_BROKER_URL", "redis://localhost:6379/0")
    app.config["S3_BUCKET"] = os.environ.get("S3_BUCKET", "printshop-artwork")
    app.config["PAYMENTS_URL"] = os.environ.get("PAYMENTS_URL", "https://api.paywell.example/v2")
    app.config["PAYMENTS_API_KEY"] = os.environ.get("PAYMENTS_API_KEY", "")  # ok: SEC005
    app.config["CARRIER_API_TOKEN"] = os.environ.get("CARRIER_API_TOKEN", "shp_live_9f8a7c6e5d4b3a2190fe")  # expect: SEC005
    app.config["STRIPE_WEBHOOK_SECRET"] = os.environ.get("STRIPE_WEBHOOK_SECRET", "")
    stripe.api_key = os.environ.get("STRIPE_SECRET_KEY", "")

    db.init_app(app)
    csrf.init_app(app)
    login_manager.init_app(app)
    _init_celery(app)

    from . import admin, artwork_uploads, orders, proofs, quotes, shipping
    from .models import Customer

    @login_manager.user_loader
    def load_customer(customer_id):
        return db.session.get(Customer, int(customer_id))

    for module in (artwork_uploads, proofs, quotes, orders, shipping, admin):
        app.register_blueprint(module.bp)

    scheduler = BackgroundScheduler(timezone="UTC")
    scheduler.add_job(_remind_expiring_quotes, "cron", hour=9, args=[app], id="quote-reminders")
    scheduler.start()  # expect: SCL003
    return app


app = create_app()  # todo-expect: MNT002
