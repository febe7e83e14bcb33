import logging
import time
import uuid
from collections import defaultdict, deque

import stripe
from celery import Celery
from flask import Flask, g, jsonify, request
from flask_cors import CORS
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect
from werkzeug.exceptions import HTTPException

from marina.config import Config
from marina.models import Owner, db

log = logging.getLogger("marina")

celery = Celery("marina")
login_manager = LoginManager()
csrf = CSRFProtect()

RATE_WINDOW_SECONDS = 60
RATE_LIMIT_PER_WINDOW = 120
_recent_hits = defaultdict(deque)


def _configure_celery(app):
    celery.conf.update(
        broker_url=app.config["CELERY_BROKER_URL"],
        result_backend=app.config["CELERY_RESULT_BACKEND"],
        task_acks_late=True,
        worker_prefetch_multiplier=1,
        task_default_queue="marina",
        imports=("marina.power.invoicing",),
        beat_schedule={
            "poll-pedestals": {"task": "power.poll_pedestals", "schedule": 900.0},
            "requeue-stale-fuel": {
                "task": "marina.fuel.settlement.requeue_stale_purchases", "schedule": 300.0,
            },
        },
    )

    class AppContextTask(celery.Task):
        def __call__(self, *args, **kwargs):
            with app.app_context():
                return self.run(*args, **kwargs)

    celery.Task = AppContextTask


@login_manager.user_loader
def load_owner(owner_id):
    return db.session.get(Owner, int(owner_id))


def _register_blueprints(app):
    from marina.accounts.auth import bp as auth_bp
    from marina.accounts.reset import bp as reset_bp
    from marina.bookings.contracts import bp as contracts_bp
    from marina.bookings.reservations import bp as reservations_bp
    from marina.fuel.dock import bp as fuel_dock_bp
    from marina.fuel.settlement import bp as fuel_account_bp
    from marina.notices.admin import bp as notices_admin_bp
    from marina.notices.public import bp as notices_public_bp
    from marina.payments.refunds import bp as refunds_bp
    from marina.payments.webhooks import bp as webhooks_bp
    from marina.power.metering import bp as power_bp

    for blueprint in (auth_bp, reset_bp, contracts_bp, reservations_bp, fuel_dock_bp,
                      fuel_account_bp, notices_admin_bp, notices_public_bp, refunds_bp,
                      webhooks_bp, power_bp):
        app.register_blueprint(blueprint)


def create_app(config_object=Config):
    app = Flask(__name__)
    app.config.from_object(config_object)
    stripe.api_key = app.config["STRIPE_SECRET_KEY"]

    db.init_app(app)
    login_manager.init_app(app)
    csrf.init_app(app)
    CORS(app, origins="*", supports_credentials=True)  # expect: SEC013
    _configure_celery(app)
    _register_blueprints(app)

    @app.before_request
    def tag_request():
        g.request_id = request.headers.get("X-Request-ID") or uuid.uuid4().hex

    @app.before_request
    def throttle():
        if request.endpoint in (None, "static", "health"):
            return None
        client = request.headers.get("X-Forwarded-For", request.remote_addr)
        now = time.monotonic()
        hits = _recent_hits[client]  # expect: RES002
        while hits and now - hits[0] > RATE_WINDOW_SECONDS:
            hits.popleft()
        if len(hits) >= RATE_LIMIT_PER_WINDOW:
            log.warning("rate limited client=%s request_id=%s", client, g.request_id)
            return jsonify(error="rate_limited"), 429
        hits.append(now)  # expect: SCL001, CON002
        return None

    @app.after_request
    def echo_request_id(response):
        response.headers["X-Request-ID"] = g.get("request_id", "")
        return response

    @app.get("/healthz", endpoint="health")
    def health():
        db.session.execute(db.text("SELECT 1"))
        return {"status": "ok"}

    @app.errorhandler(HTTPException)
    def http_error(err):
        return jsonify(error=err.name.lower().replace(" ", "_"), detail=err.description), err.code

    return app


app = create_app()
