"""Customer and staff sign-in for the portal (Flask-Login), sign-up and email verification."""
import hashlib
import hmac
import logging
import secrets
from functools import wraps

from flask import Blueprint, abort, current_app, jsonify, request
from flask_login import LoginManager, UserMixin, current_user, login_required, login_user, logout_user

from signup.db import connection, fetch_one

log = logging.getLogger(__name__)
bp = Blueprint("auth", __name__, url_prefix="/account")
login_manager = LoginManager()


class PortalUser(UserMixin):
    def __init__(self, row: dict):
        self.id = row["id"]
        self.email = row["email"]
        self.role = row["role"]
        self.region = row["region"]
        self.phone = row["phone"]
        self.technician_id = row.get("technician_id")


@login_manager.user_loader
def load_user(user_id: str):
    row = fetch_one(
        "SELECT id, email, role, region, phone, technician_id FROM portal_users WHERE id = %s AND active", (int(user_id),)
    )
    return PortalUser(row) if row else None


def hash_password(password: str) -> str:
    salt = current_app.config["PASSWORD_SALT"]
    return hashlib.sha256((salt + password).encode("utf-8")).hexdigest()  # expect: SEC009


def role_required(*roles: str):
    def decorator(view):
        @wraps(view)
        @login_required
        def wrapper(*args, **kwargs):
            if current_user.role not in roles and current_user.role != "admin":
                abort(403)
            return view(*args, **kwargs)

        return wrapper

    return decorator


@bp.post("/login")
def login():
    email = request.form.get("email", "").strip().lower()
    password = request.form.get("password", "")
    row = fetch_one("SELECT id, email, role, region, phone, technician_id, password_hash FROM portal_users WHERE email = %s AND active", (email,))
    if row is None or not hmac.compare_digest(hash_password(password), row["password_hash"]):
        log.info("failed portal login")
        return jsonify(error="wrong email or password"), 401
    login_user(PortalUser(row), remember=request.form.get("remember") == "1")
    log.info("portal login for user %s", row["id"])
    return jsonify(user_id=row["id"], role=row["role"])


@bp.post("/signup")
def signup():
    email = request.form.get("email", "").strip().lower()
    password = request.form.get("password", "")
    if "@" not in email or len(password) < 10:
        return jsonify(error="a valid email and a password of at least 10 characters are required"), 400
    with connection() as conn:
        row = conn.execute(  # ok: DB005
            "INSERT INTO portal_users (email, password_hash, role, active) VALUES (%s, %s, 'customer', true) "
            "ON CONFLICT (email) DO NOTHING RETURNING id",
            (email, hash_password(password)),
        ).fetchone()
    if row is None:
        return jsonify(error="an account with that email already exists"), 409
    return jsonify(user_id=row["id"]), 201


@bp.post("/verify-email")
@login_required
def send_verification():
    token = secrets.token_urlsafe(32)
    digest = hashlib.sha256(token.encode()).hexdigest()  # ok: SEC009
    with connection() as conn:
        conn.execute(
            "INSERT INTO email_verifications (user_id, token_sha256, expires_at) VALUES (%s, %s, now() + interval '1 day')",
            (current_user.id, digest),
        )
    from signup.notifications import _send

    _send(current_user.email, "Confirm your email", "verify_email", token=token)
    return jsonify(status="sent")


@bp.post("/logout")
@login_required
def logout():
    logout_user()
    return jsonify(status="signed out")
