"""Flask application factory for the scale-house and office API."""
from __future__ import annotations

import logging
import uuid

from flask import Flask, g, has_request_context, jsonify, request
from werkzeug.exceptions import HTTPException

from buyback import (
    auth,
    compliance,
    payouts,
    price_feed,
    prices,
    reports,
    sellers,
    settlements,
    tickets,
    yard_stats,
)
from buyback.config import settings
from buyback.db import ping
from buyback.scheduler import Scheduler

log = logging.getLogger("buyback")


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = g.get("request_id", "-") if has_request_context() else "-"
        return True


def _configure_logging() -> None:
    handler = logging.StreamHandler()
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(
        logging.Formatter("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s")
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.INFO)


def create_app(start_jobs: bool = True) -> Flask:
    _configure_logging()
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=settings.secret_key,
        MAX_CONTENT_LENGTH=settings.max_upload_bytes,
        JSON_SORT_KEYS=False,
    )

    for module in (auth, tickets, payouts, settlements, prices, sellers, compliance, reports, yard_stats):
        app.register_blueprint(module.bp)

    @app.before_request
    def _assign_request_id():
        g.request_id = request.headers.get("X-Request-ID") or uuid.uuid4().hex

    @app.after_request
    def _echo_request_id(response):
        response.headers["X-Request-ID"] = g.get("request_id", "")
        return response

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException):
        return jsonify(error=exc.description), exc.code

    @app.errorhandler(Exception)
    def _unhandled(exc: Exception):
        log.exception("unhandled error on %s %s", request.method, request.path)
        return jsonify(error="internal error"), 500

    @app.get("/healthz")
    def healthz():
        if not ping():
            return jsonify(status="degraded", database="down"), 503
        return jsonify(status="ok")

    if start_jobs:
        jobs = Scheduler()
        jobs.every(300, price_feed.refresh_prices, name="price-feeds", run_now=True)
        jobs.every(3600, settlements.run_pending_settlements, name="settlements")
        jobs.start()  # expect: SCL003
        app.extensions["scheduler"] = jobs

    return app


app = create_app()
