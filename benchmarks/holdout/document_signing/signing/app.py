"""Flask application factory for the document signing service."""
import logging
import uuid
from datetime import datetime, timedelta, timezone

from apscheduler.schedulers.background import BackgroundScheduler
from flask import Flask, g, jsonify, request
from flask_cors import CORS
from sqlalchemy import select, text
from werkzeug.exceptions import HTTPException

from . import auth, documents, signatures
from .config import Config, load_jwt_keys, validate
from .db import documents as documents_table
from .db import make_engine, signers, webhook_endpoints
from .webhooks import deliver


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            record.request_id = g.get("request_id", "-")
        except RuntimeError:
            record.request_id = "-"
        return True


def _configure_logging() -> None:
    handler = logging.StreamHandler()
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"))
    logging.basicConfig(level=logging.INFO, handlers=[handler], force=True)


def _remind_pending_signers(app: Flask) -> None:
    cutoff = datetime.now(timezone.utc) - timedelta(days=app.config["REMINDER_AFTER_DAYS"])
    engine = app.extensions["db_engine"]
    stmt = (
        select(signers.c.email, signers.c.document_id, webhook_endpoints.c.url, webhook_endpoints.c.secret)
        .join(documents_table, documents_table.c.id == signers.c.document_id)
        .join(webhook_endpoints, webhook_endpoints.c.owner_id == documents_table.c.owner_id)
        .where(signers.c.status == "pending", signers.c.invited_at < cutoff, webhook_endpoints.c.active.is_(True))
        .limit(500)
    )
    with engine.connect() as conn:
        rows = conn.execute(stmt).all()
    for email, document_id, url, secret in rows:
        deliver(url, secret, "signer.reminder_due", {"document_id": str(document_id), "signer": email})
    app.logger.info("sent %d signer reminders", len(rows))


def _start_scheduler(app: Flask) -> BackgroundScheduler:
    scheduler = BackgroundScheduler(timezone="UTC", job_defaults={"coalesce": True, "max_instances": 1})
    scheduler.add_job(_remind_pending_signers, "cron", hour=9, args=[app], id="signer-reminders")
    scheduler.start()  # expect: SCL003
    return scheduler


def create_app(config_object: type = Config) -> Flask:
    _configure_logging()
    app = Flask(__name__)
    app.config.from_object(config_object)
    app.config["JWT_KEYS"] = load_jwt_keys(app.config["JWT_KEYS_FILE"])
    validate(app.config)
    app.extensions["db_engine"] = make_engine(app.config["DATABASE_URL"], app.config["DB_POOL_SIZE"])

    CORS(app, origins=app.config["CORS_ORIGINS"], supports_credentials=True)  # ok: SEC013
    app.register_blueprint(auth.bp)
    app.register_blueprint(documents.bp)
    app.register_blueprint(signatures.bp)

    @app.before_request
    def bind_request_context():
        g.request_id = request.headers.get("X-Request-ID") or uuid.uuid4().hex
        auth.load_current_user()

    @app.after_request
    def add_headers(response):
        response.headers["X-Request-ID"] = g.get("request_id", "")
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        return jsonify({"error": exc.name, "message": exc.description}), exc.code

    @app.errorhandler(Exception)
    def unhandled(exc: Exception):
        app.logger.exception("unhandled error on %s %s", request.method, request.path)
        return jsonify({"error": "Internal Server Error", "message": "an unexpected error occurred"}), 500

    @app.get("/healthz")
    def healthz():
        with app.extensions["db_engine"].connect() as conn:
            conn.execute(text("SELECT 1"))
        return jsonify({"status": "ok"})

    app.extensions["scheduler"] = _start_scheduler(app)
    return app
