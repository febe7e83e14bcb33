"""Application factory for the Stitchworks alterations back office."""
import logging
import uuid

from flask import Flask, g, has_request_context, jsonify, request
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import text
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix

from tailor.config import config_for
from tailor.models import StaffUser, db

csrf = CSRFProtect()
login_manager = LoginManager()


class RequestIdFilter(logging.Filter):
    def filter(self, record):
        record.request_id = g.get("request_id", "-") if has_request_context() else "-"
        return True


def _configure_logging(app):
    handler = logging.StreamHandler()
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(
        logging.Formatter("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s")
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.DEBUG if app.debug else logging.INFO)


@login_manager.user_loader
def _load_staff(user_id):
    return db.session.get(StaffUser, int(user_id))


def create_app(env_name=None):
    app = Flask(__name__)
    app.config.from_object(config_for(env_name))
    app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1)
    _configure_logging(app)

    db.init_app(app)
    csrf.init_app(app)
    login_manager.init_app(app)

    from tailor import auth, balance_payments, deposits, fittings, pickups, receipts, search, webhooks
    from tailor import pickup_notices, reminders, sms_outbox

    for module in (auth, deposits, balance_payments, fittings, pickups, receipts, search, webhooks):
        app.register_blueprint(module.bp)
    for module in (reminders, pickup_notices, sms_outbox):
        app.register_blueprint(module.bp)

    # provider callbacks carry an HMAC signature instead of a session cookie
    csrf.exempt(webhooks.bp)  # ok: SEC014

    @app.before_request
    def _assign_request_id():
        g.request_id = request.headers.get("X-Request-ID") or uuid.uuid4().hex

    @app.after_request
    def _echo_request_id(response):
        response.headers["X-Request-ID"] = g.get("request_id", "")
        return response

    @app.errorhandler(HTTPException)
    def _http_error(exc):
        return jsonify(error=exc.description or exc.name), exc.code

    @app.get("/healthz")
    def healthz():
        return jsonify(status="ok")

    @app.get("/readyz")
    def readyz():
        try:
            db.session.execute(text("SELECT 1"))
        except Exception:
            app.logger.exception("readiness check failed")
            return jsonify(status="unavailable"), 503
        return jsonify(status="ok")

    return app
