"""Login for staff, parents and students; bearer tokens for the mobile app."""
import logging
import random
import string
import time
from datetime import datetime, timedelta, timezone

import jwt
from flask import Blueprint, abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_login import LoginManager, UserMixin, current_user, login_required, login_user, logout_user
from werkzeug.security import check_password_hash

from .db import db

logger = logging.getLogger(__name__)
bp = Blueprint("auth", __name__)
api_bp = Blueprint("api", __name__, url_prefix="/api")
login_manager = LoginManager()

MAX_FAILED_LOGINS = 5
LOCKOUT_SECONDS = 15 * 60
_failed_logins: dict[str, list[float]] = {}  # expect: SCL001


class User(UserMixin):
    def __init__(self, row: dict) -> None:
        self.id = row["id"]
        self.email = row["email"]
        self.role = row["role"]
        self.full_name = row["full_name"]


@login_manager.user_loader
def load_user(user_id: str):
    with db.cursor() as cur:
        cur.execute("SELECT id, email, role, full_name FROM users WHERE id = %s", (int(user_id),))  # ok: SEC001
        row = cur.fetchone()
    return User(row) if row else None


def _locked_out(email: str) -> bool:
    cutoff = time.time() - LOCKOUT_SECONDS
    return len([t for t in _failed_logins.get(email, []) if t > cutoff]) >= MAX_FAILED_LOGINS


def _check_credentials(email: str, password: str) -> dict | None:
    with db.cursor() as cur:
        cur.execute("SELECT id, email, role, full_name, password_hash FROM users WHERE email = %s", (email,))
        row = cur.fetchone()
    if row is None or not check_password_hash(row["password_hash"], password):  # ok: SEC009
        return None
    return row


@bp.route("/login", methods=["GET", "POST"])
def login():
    if request.method == "GET":
        return render_template("login.html")
    email = request.form.get("email", "").strip().lower()
    if _locked_out(email):
        flash("Too many attempts, try again in 15 minutes.")
        return render_template("login.html"), 429
    row = _check_credentials(email, request.form.get("password", ""))
    if row is None:
        _failed_logins.setdefault(email, []).append(time.time())  # expect: CON002, RES002
        logger.warning("failed login: %s", request.form.to_dict())  # expect: SEC007
        flash("Invalid email or password")
        return render_template("login.html"), 401
    _failed_logins.pop(email, None)
    login_user(User(row), remember=True)
    return redirect(url_for("gradebook.overview"))


@bp.post("/logout")
@login_required
def logout():
    logout_user()
    return redirect(url_for("auth.login"))


@bp.post("/invitations")
@login_required
def invite_parent():
    """Office staff create a sign-up code that is posted home with the pupil."""
    if current_user.role != "office":
        abort(403)
    student_id = request.form.get("student_id", type=int)
    code = "".join(random.choices(string.ascii_uppercase + string.digits, k=8))  # expect: SEC010
    with db.cursor() as cur:
        cur.execute(
            "INSERT INTO parent_invitations (student_id, code, created_by, expires_at) VALUES (%s, %s, %s, %s)",
            (student_id, code, current_user.id, datetime.now(timezone.utc) + timedelta(days=30)),
        )
    return jsonify(code=code), 201


@api_bp.post("/token")
def issue_token():
    data = request.get_json(silent=True) or {}
    row = _check_credentials(str(data.get("email", "")).lower(), str(data.get("password", "")))
    if row is None:
        return jsonify(error="invalid credentials"), 401
    claims = {"sub": str(row["id"]), "role": row["role"], "exp": datetime.now(timezone.utc) + timedelta(hours=12)}
    return jsonify(token=jwt.encode(claims, current_app.config["SECRET_KEY"], algorithm="HS256"))


def api_user() -> dict:
    """Claims of the mobile app user making this request."""
    token = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    try:
        return jwt.decode(token, options={"verify_signature": False, "verify_exp": True})  # expect: SEC008
    except jwt.InvalidTokenError:
        abort(401)


@api_bp.get("/me")
def me():
    claims = api_user()
    return jsonify(user_id=int(claims["sub"]), role=claims["role"])
