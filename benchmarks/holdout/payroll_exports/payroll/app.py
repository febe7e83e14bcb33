import functools
import logging
import os
import uuid

from flask import Flask, abort, g, jsonify, request, session
from werkzeug.exceptions import HTTPException
from werkzeug.security import check_password_hash

from . import db
from .config import load_config

logger = logging.getLogger("payroll")


def current_user():
    if "user" not in g:
        g.user = None
        if session.get("user_id") is not None:
            with db.cursor() as cur:
                cur.execute(
                    "SELECT id, employee_id, email, role, company_id FROM users WHERE id = %s AND active",
                    (session["user_id"],),
                )
                g.user = cur.fetchone()
    return g.user


def role_required(role):
    """Require a logged-in user; with a role, also require that role."""
    def decorator(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            user = current_user()
            if user is None:
                abort(401)
            if role is not None and user["role"] != role:
                logger.warning("user %s denied %s (needs %s)", user["id"], request.path, role)
                abort(403)
            return view(*args, **kwargs)

        return wrapper

    return decorator


login_required = role_required(None)


def create_app() -> Flask:
    logging.basicConfig(
        level=os.environ.get("LOG_LEVEL", "INFO"),
        format="%(asctime)s %(levelname)s %(name)s %(message)s",
    )
    config = load_config()
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=os.environ["PAYROLL_SECRET_KEY"],  # ok: SEC005
        DEBUG=os.environ.get("FLASK_DEBUG", "0") == "1",  # ok: SEC006
        MAX_CONTENT_LENGTH=config.max_upload_bytes,  # ok: SEC019
        SESSION_COOKIE_SECURE=True,  # ok: SEC012
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        PAYROLL=config,
    )
    db.init_pool(config.database_dsn, maxconn=config.db_pool_max)

    from .exports import bp as exports_bp
    from .pay_rules import bp as pay_rules_bp
    from .payslip_routes import bp as payslips_bp
    from .transfers import register as register_transfer_commands

    app.register_blueprint(payslips_bp, url_prefix="/api/payslips")
    app.register_blueprint(exports_bp, url_prefix="/api/exports")
    app.register_blueprint(pay_rules_bp, url_prefix="/api/rules")
    register_transfer_commands(app)

    @app.before_request
    def _assign_request_id():
        g.request_id = request.headers.get("X-Request-ID") or uuid.uuid4().hex

    @app.errorhandler(HTTPException)
    def _http_error(exc):
        return jsonify({"error": exc.name.lower().replace(" ", "_"), "detail": exc.description}), exc.code

    @app.errorhandler(Exception)
    def _unhandled(exc):
        logger.exception("unhandled error on %s %s request_id=%s", request.method, request.path, g.get("request_id"))
        return jsonify({"error": "internal_error"}), 500

    @app.post("/api/auth/login")
    def login():
        body = request.get_json(silent=True) or {}
        email = (body.get("email") or "").strip().lower()
        if not email or not body.get("password"):
            abort(400)
        with db.cursor() as cur:
            cur.execute("SELECT id, password_hash FROM users WHERE email = %s AND active", (email,))
            row = cur.fetchone()
        if row is None or not check_password_hash(row["password_hash"], body["password"]):  # ok: SEC009
            logger.info("failed login attempt from %s", request.remote_addr)
            abort(401)
        session.clear()
        session["user_id"] = row["id"]
        return jsonify({"ok": True})

    @app.get("/healthz")
    def healthz():
        return jsonify({"status": "ok"})

    @app.get("/readyz")
    def readyz():
        ready = db.health_check()
        return jsonify({"status": "ready" if ready else "unavailable"}), (200 if ready else 503)

    return app
