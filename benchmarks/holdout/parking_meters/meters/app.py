import atexit
import logging
import os
import time
import uuid
from collections import defaultdict

from flask import Flask, g, has_request_context, jsonify, request

from . import auth, fines, fines_admin, firmware, reports, sessions, zones
from .db import close_pool, init_pool
from .plate_events import PlateEventConsumer

LOOKUP_LIMIT_PER_MINUTE = 30
_MAX_TRACKED_CLIENTS = 50_000

_lookup_hits: dict[str, list[float]] = defaultdict(list)


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = g.get("request_id", "-") if has_request_context() else "-"
        return True


def _configure_logging() -> None:
    handler = logging.StreamHandler()
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(os.environ.get("LOG_LEVEL", "INFO"))


def create_app() -> Flask:
    _configure_logging()
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = 10 * 1024 * 1024  # ok: SEC019
    init_pool()

    for blueprint in (auth.bp, sessions.bp, zones.bp, fines.bp, fines_admin.bp, firmware.bp, reports.bp):
        app.register_blueprint(blueprint)

    consumer = PlateEventConsumer(os.environ.get("REDIS_URL", "redis://localhost:6379/0"))
    consumer.start()  # expect: SCL003

    @app.before_request
    def bind_request_id():
        g.request_id = request.headers.get("X-Request-ID") or uuid.uuid4().hex

    @app.before_request
    def throttle_plate_lookups():
        if request.endpoint != "fines.fines_for_plate":
            return None
        client = (request.headers.get("X-Forwarded-For") or request.remote_addr or "?").split(",")[0].strip()
        now = time.monotonic()
        if len(_lookup_hits) > _MAX_TRACKED_CLIENTS:
            _lookup_hits.clear()
        recent = [t for t in _lookup_hits[client] if now - t < 60] + [now]
        _lookup_hits[client] = recent  # expect: CON002, SCL001
        if len(recent) > LOOKUP_LIMIT_PER_MINUTE:
            return jsonify(error="rate_limited"), 429
        return None

    @app.after_request
    def echo_request_id(response):
        response.headers["X-Request-ID"] = g.get("request_id", "")
        return response

    @app.get("/healthz")
    def healthz():
        return jsonify(status="ok")

    @app.errorhandler(404)
    def not_found(_err):
        return jsonify(error="not_found"), 404

    @app.errorhandler(500)
    def server_error(_err):
        logging.getLogger(__name__).exception("unhandled error on %s", request.path)
        return jsonify(error="internal_error"), 500

    atexit.register(consumer.stop)
    atexit.register(close_pool)
    return app


app = create_app()
