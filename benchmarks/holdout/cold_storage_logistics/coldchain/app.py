"""Flask application factory for the cold-storage warehouse service."""
import logging
import uuid

from apscheduler.schedulers.background import BackgroundScheduler
from flask import Flask, g, has_request_context, jsonify, request
from werkzeug.exceptions import HTTPException

from coldchain import db
from coldchain.config import Config

logger = logging.getLogger("coldchain")


class RequestContextFilter(logging.Filter):
    def filter(self, record):
        record.request_id = g.get("request_id", "-") if has_request_context() else "-"
        return True


def _configure_logging():
    handler = logging.StreamHandler()
    handler.addFilter(RequestContextFilter())
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.INFO)


def _start_jobs(app):
    from coldchain.alerts import flush_alert_outbox
    from coldchain.excursions import close_recovered_excursions

    scheduler = BackgroundScheduler(timezone="UTC")
    config = app.extensions["coldchain_config"]
    scheduler.add_job(flush_alert_outbox, "interval", seconds=20, args=[config], id="alert-outbox", max_instances=1)
    scheduler.add_job(close_recovered_excursions, "interval", minutes=5, id="excursion-close", max_instances=1)
    scheduler.start()  # expect: SCL003
    app.extensions["scheduler"] = scheduler


def create_app(config=None):
    config = config or Config.from_env()
    _configure_logging()

    app = Flask(__name__)
    app.config["SECRET_KEY"] = config.secret_key
    app.config["MAX_CONTENT_LENGTH"] = config.max_upload_bytes
    app.config["SESSION_COOKIE_SECURE"] = True
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    app.extensions["coldchain_config"] = config

    db.init_pool(config)

    from coldchain.access import bp as session_bp
    from coldchain.alerts import bp as alerts_bp
    from coldchain.auth import bp as auth_bp
    from coldchain.dock_schedule import bp as dock_bp
    from coldchain.excursions import bp as excursions_bp
    from coldchain.pallet_moves import bp as moves_bp
    from coldchain.pallets import bp as pallets_bp
    from coldchain.report_jobs import bp as reports_bp
    from coldchain.sensors import bp as sensors_bp

    for blueprint in (auth_bp, session_bp, pallets_bp, moves_bp, sensors_bp, alerts_bp, excursions_bp, reports_bp, dock_bp):
        app.register_blueprint(blueprint)

    @app.before_request
    def bind_request_id():
        incoming = request.headers.get("X-Request-ID", "")
        g.request_id = incoming[:64] if incoming else uuid.uuid4().hex

    @app.after_request
    def echo_request_id(response):
        response.headers["X-Request-ID"] = g.get("request_id", "")
        return response

    @app.errorhandler(HTTPException)
    def http_error(exc):
        return jsonify(error=exc.name.lower().replace(" ", "_"), message=exc.description), exc.code

    @app.errorhandler(Exception)
    def unexpected_error(exc):
        logger.error("unhandled error on %s %s: %s", request.method, request.path, exc)  # expect: OBS002
        return jsonify(error="internal_error", request_id=g.get("request_id")), 500

    @app.get("/healthz")
    def healthz():
        ok = db.healthy()
        return jsonify(database="ok" if ok else "down"), (200 if ok else 503)

    _start_jobs(app)
    return app
