"""Application factory for the shearing contractors' office app."""
import logging
import os
import uuid

from flask import Flask, g, jsonify, request
from flask_wtf.csrf import CSRFProtect

from shearing import db
from shearing.config import CONFIGS

csrf = CSRFProtect()


class RequestContextFilter(logging.Filter):
    """Stamps request id and user id on records emitted inside a request."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            record.request_id = g.get("request_id", "-")
            user = g.get("user")
            record.user_id = user["id"] if user else "-"
        except RuntimeError:  # outside an app context (CLI, pool shutdown)
            record.request_id = record.user_id = "-"
        return True


def _configure_logging(level: str) -> None:
    handler = logging.StreamHandler()
    handler.addFilter(RequestContextFilter())
    handler.setFormatter(
        logging.Formatter("%(asctime)s %(levelname)s %(name)s [req=%(request_id)s user=%(user_id)s] %(message)s")
    )
    logging.basicConfig(level=level, handlers=[handler], force=True)


def create_app(config_name: str | None = None) -> Flask:
    name = config_name or os.environ.get("SHEARING_CONFIG", "production")
    if name not in CONFIGS:
        raise RuntimeError(f"unknown SHEARING_CONFIG {name!r}; expected one of {sorted(CONFIGS)}")

    app = Flask(__name__)
    app.config.from_object(CONFIGS[name])
    if not app.config.get("SECRET_KEY"):
        raise RuntimeError("FLASK_SECRET_KEY must be set")

    _configure_logging(app.config["LOG_LEVEL"])
    csrf.init_app(app)
    db.init_app(app)

    @app.before_request
    def _bind_request_id():
        incoming = request.headers.get("X-Request-ID", "")
        g.request_id = incoming[:64] if incoming else uuid.uuid4().hex

    @app.after_request
    def _echo_request_id(response):
        response.headers["X-Request-ID"] = g.get("request_id", "")
        return response

    @app.get("/healthz")
    def healthz():
        with db.get_cursor() as cur:
            cur.execute("SELECT 1")
        return jsonify(status="ok")

    from shearing import auth
    from shearing.admin import exports, reports
    from shearing.bales import ingest, weights
    from shearing.clients import woolbroker
    from shearing.invoices import dispatch, mailer
    from shearing.payroll import pay_run, piece_rates
    from shearing.visits import routes as visit_routes
    from shearing.visits import scheduler

    for module in (auth, visit_routes, scheduler, piece_rates, pay_run, weights, ingest,
                   woolbroker, mailer, dispatch, reports, exports):
        app.register_blueprint(module.bp)
    return app


if __name__ == "__main__":
    dev = create_app("development")
    dev.run(host="127.0.0.1", port=5000, debug=dev.config["DEBUG"])  # ok: SEC006
