"""API gateway Flask application: CORS, login throttling and blueprint registration."""
import logging
import os
import time

from flask import Flask, jsonify, request
from flask_cors import CORS

from .db import db
from .login_views import console_bp
from .session_cookies import signin_bp

logger = logging.getLogger(__name__)

MAX_FAILED_LOGINS = 5
LOCKOUT_SECONDS = 15 * 60

app = Flask(__name__)
app.config["SQLALCHEMY_DATABASE_URI"] = os.environ.get("GATEWAY_DATABASE_URL", "sqlite:///gateway.db")
app.config["SECRET_KEY"] = os.environ.get("GATEWAY_SECRET_KEY")
db.init_app(app)

CORS(app, origins="*", supports_credentials=True)  # expect: SEC013

_failed_logins: dict[str, list[float]] = {}  # expect: SCL001, RES002


@app.before_request
def throttle_logins():
    if request.endpoint not in ("console.login", "signin.signin"):
        return None
    ip = request.headers.get("X-Forwarded-For", request.remote_addr).split(",")[0].strip()
    recent = [t for t in _failed_logins.get(ip, []) if t > time.time() - LOCKOUT_SECONDS]
    if len(recent) >= MAX_FAILED_LOGINS:
        return jsonify({"error": "too_many_attempts"}), 429
    return None


@app.after_request
def count_failed_logins(response):
    if request.endpoint in ("console.login", "signin.signin") and response.status_code == 401:
        ip = request.headers.get("X-Forwarded-For", request.remote_addr).split(",")[0].strip()
        _failed_logins.setdefault(ip, []).append(time.time())  # expect: CON002
    return response


app.register_blueprint(console_bp)
app.register_blueprint(signin_bp)


@app.route("/healthz")
def healthz():
    return {"status": "ok"}
