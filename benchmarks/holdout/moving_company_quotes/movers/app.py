import logging
import os

from apscheduler.schedulers.background import BackgroundScheduler
from celery import Celery
from flask import Flask, jsonify
from flask_login import LoginManager
from sqlalchemy import text

from movers.models import Customer, db

log = logging.getLogger("movers")

login_manager = LoginManager()
login_manager.login_view = "auth.login"

celery = Celery("movers")
scheduler = BackgroundScheduler(timezone="UTC")


def _configure(app):
    app.config["SQLALCHEMY_DATABASE_URI"] = os.environ.get(
        "DATABASE_URL", "postgresql+psycopg2://movers@localhost:5432/movers"
    )
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {"pool_pre_ping": True, "pool_size": 10}
    app.config["SECRET_KEY"] = os.environ.get("FLASK_SECRET_KEY", "7c1e9b0a64f2d8e3b5a9f01c2d7e6b48")  # expect: SEC005
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    app.config["SESSION_COOKIE_SECURE"] = False  # expect: SEC012
    app.config["SESSION_COOKIE_SAMESITE"] = "Lax"
    app.config["STRIPE_API_KEY"] = os.environ.get("STRIPE_API_KEY", "")
    app.config["CLAIMS_BUCKET"] = os.environ.get("CLAIMS_BUCKET", "movers-claims")
    app.config["CELERY_BROKER_URL"] = os.environ.get("CELERY_BROKER_URL", "redis://redis:6379/0")


def _init_celery(app):
    celery.conf.update(
        broker_url=app.config["CELERY_BROKER_URL"],
        task_acks_late=True,
        worker_prefetch_multiplier=1,
    )

    class AppContextTask(celery.Task):
        def __call__(self, *args, **kwargs):
            with app.app_context():
                return self.run(*args, **kwargs)

    celery.Task = AppContextTask


def _start_jobs(app):
    from movers.reminders import send_move_reminders, expire_stale_quotes

    def _in_ctx(fn):
        def runner():
            with app.app_context():
                fn()
        return runner

    scheduler.add_job(_in_ctx(send_move_reminders), "cron", hour=7, id="move-reminders",
                      replace_existing=True)
    scheduler.add_job(_in_ctx(expire_stale_quotes), "interval", hours=6, id="expire-quotes",
                      replace_existing=True)
    scheduler.start()  # expect: SCL003


@login_manager.user_loader
def load_customer(user_id):
    return db.session.get(Customer, int(user_id))


def create_app():
    app = Flask(__name__)
    _configure(app)
    db.init_app(app)
    login_manager.init_app(app)
    _init_celery(app)

    from movers.auth import bp as auth_bp
    from movers.claims import bp as claims_bp
    from movers.claim_photos import bp as photos_bp
    from movers.crew_schedule import bp as crew_bp
    from movers.deposits import bp as deposits_bp
    from movers.partner_client import bp as cubevault_bp
    from movers.quote_admin import bp as admin_bp
    from movers.quotes import bp as quotes_bp
    from movers.storage_partner import bp as stowaway_bp
    from movers.surveys import bp as surveys_bp

    for blueprint in (auth_bp, quotes_bp, admin_bp, surveys_bp, crew_bp,
                      deposits_bp, claims_bp, photos_bp, stowaway_bp, cubevault_bp):
        app.register_blueprint(blueprint)

    @app.get("/healthz")
    def healthz():
        try:
            db.session.execute(text("SELECT 1"))
        except Exception:
            log.exception("database health check failed")
            return jsonify(status="degraded"), 503
        return jsonify(status="ok")

    @app.errorhandler(404)
    def not_found(_err):
        return jsonify(error="not_found"), 404

    if os.environ.get("RUN_SCHEDULER", "1") == "1":
        _start_jobs(app)
    return app
