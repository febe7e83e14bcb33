"""Flask application factory for the emergency locksmith call-out API."""
import logging
import uuid

from apscheduler.schedulers.background import BackgroundScheduler
from flask import Flask, g, jsonify, request
from werkzeug.exceptions import HTTPException

from .config import Config, missing_settings
from .models import db

logger = logging.getLogger("callouts")


def _with_app_context(app, func):
    def runner():
        with app.app_context():
            func()
    return runner


def _register_blueprints(app: Flask) -> None:
    from .auth import bp as auth_bp
    from .reports.admin_reports import bp as admin_reports_bp
    from .reports.revenue_export import bp as revenue_bp
    from .services.payments import bp as payments_bp
    from .tasks.payouts import bp as payouts_bp
    from .views.callouts import bp as callouts_bp
    from .views.dispatch import bp as dispatch_bp
    from .views.invoices import bp as invoices_bp
    from .views.webhooks import bp as webhooks_bp

    for blueprint in (auth_bp, callouts_bp, dispatch_bp, invoices_bp, payments_bp,
                      webhooks_bp, admin_reports_bp, revenue_bp, payouts_bp):
        app.register_blueprint(blueprint)


def create_app(config_object=Config) -> Flask:
    app = Flask(__name__)
    app.config.from_object(config_object)
    if not app.testing:
        missing = missing_settings(app.config)
        if missing:
            raise RuntimeError(f"missing required settings: {', '.join(missing)}")

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    db.init_app(app)
    _register_blueprints(app)

    from .tasks.stale_jobs import escalate_stale_callouts

    scheduler = BackgroundScheduler(timezone="UTC")
    scheduler.add_job(_with_app_context(app, escalate_stale_callouts), "interval", minutes=2,
                      id="escalate-stale-callouts", max_instances=1, coalesce=True)
    scheduler.start()  # expect: SCL003
    app.extensions["scheduler"] = scheduler

    @app.before_request
    def assign_request_id():
        g.request_id = request.headers.get("X-Request-ID") or uuid.uuid4().hex

    @app.after_request
    def echo_request_id(response):
        response.headers["X-Request-ID"] = g.get("request_id", "")
        return response

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        return jsonify(error=exc.description), exc.code

    @app.errorhandler(Exception)
    def unhandled(exc: Exception):
        logger.exception("unhandled error request_id=%s path=%s", g.get("request_id"), request.path)
        return jsonify(error="internal error"), 500

    @app.get("/healthz")
    def healthz():
        return jsonify(status="ok")

    return app
