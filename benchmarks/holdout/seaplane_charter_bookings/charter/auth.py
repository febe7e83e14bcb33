"""Login, logout and password reset for customers, pilots and ops staff."""
import hashlib
import logging
import secrets
from datetime import timedelta
from functools import wraps

from flask import Blueprint, abort, jsonify, request
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.security import check_password_hash, generate_password_hash

from .models import User, db, utcnow
from .notifications import send_password_reset

log = logging.getLogger(__name__)
bp = Blueprint("auth", __name__, url_prefix="/auth")

RESET_TTL = timedelta(minutes=30)
MIN_PASSWORD_LENGTH = 12


def role_required(*roles):
    """Require a logged-in user whose role is one of ``roles``."""
    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)
        return wrapped
    return decorator


def _token_digest(token):
    """Reset tokens are 256-bit random values; only their digest is stored."""
    return hashlib.sha256(token.encode()).hexdigest()  # ok: SEC009


@bp.post("/login")
def login():
    data = request.get_json(silent=True) or {}
    email = (data.get("email") or "").strip().lower()
    user = User.query.filter_by(email=email).first()
    if user is None or not check_password_hash(user.password_hash, data.get("password") or ""):
        log.info("failed login attempt")
        return jsonify(error="invalid email or password"), 401
    login_user(user, remember=bool(data.get("remember")))
    log.info("user %s logged in", user.id)
    return jsonify(id=user.id, role=user.role)


@bp.post("/logout")
@login_required
def logout():
    logout_user()
    return jsonify(status="logged out")


@bp.post("/password-reset")
def request_password_reset():
    data = request.get_json(silent=True) or {}
    email = (data.get("email") or "").strip().lower()
    user = User.query.filter_by(email=email).first()
    if user is not None:
        token = secrets.token_urlsafe(32)
        user.reset_token_hash = _token_digest(token)
        user.reset_token_expires_at = utcnow() + RESET_TTL
        db.session.commit()
        send_password_reset(user.email, token)
        log.info("password reset issued for user %s", user.id)
    # Same answer whether or not the address is registered.
    return jsonify(status="if the address is registered, a reset link is on its way"), 202


@bp.post("/password-reset/confirm")
def confirm_password_reset():
    data = request.get_json(silent=True) or {}
    token = data.get("token") or ""
    new_password = data.get("password") or ""
    if len(new_password) < MIN_PASSWORD_LENGTH:
        return jsonify(error=f"password must be at least {MIN_PASSWORD_LENGTH} characters"), 400
    user = User.query.filter_by(reset_token_hash=_token_digest(token)).first()
    if user is None or user.reset_token_expires_at is None or user.reset_token_expires_at < utcnow():
        return jsonify(error="reset link is invalid or has expired"), 400
    user.password_hash = generate_password_hash(new_password)
    user.reset_token_hash = None
    user.reset_token_expires_at = None
    db.session.commit()
    log.info("password reset completed for user %s", user.id)
    return jsonify(status="password updated")
