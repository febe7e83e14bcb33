"""Login, logout and password reset for passengers and port staff."""
import hashlib
import logging
import secrets
import smtplib
from datetime import datetime, timedelta, timezone
from email.message import EmailMessage
from functools import wraps

from flask import Blueprint, current_app, jsonify, request
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from ferry import api_error, db, login_manager
from ferry.models import User

bp = Blueprint("auth", __name__, url_prefix="/api/auth")
logger = logging.getLogger(__name__)

RESET_TOKEN_TTL = timedelta(minutes=30)
MIN_PASSWORD_LENGTH = 10


@login_manager.user_loader
def load_user(user_id):
    return db.session.get(User, int(user_id))


@login_manager.unauthorized_handler
def unauthorized():
    return api_error("unauthenticated", "Please log in", 401)


def staff_required(view):
    """Port and office staff only."""

    @wraps(view)
    @login_required
    def wrapper(*args, **kwargs):
        if not current_user.is_staff:
            return api_error("forbidden", "Staff only", 403)
        return view(*args, **kwargs)

    return wrapper


def _hash_reset_token(token):
    # Reset tokens are 256-bit random values, so a plain digest is enough to
    # avoid storing them in a usable form.
    return hashlib.sha256(token.encode()).hexdigest()  # ok: SEC009


def _send_reset_email(address, token):
    cfg = current_app.config
    msg = EmailMessage()
    msg["Subject"] = "Reset your Island Ferries password"
    msg["From"] = cfg["MAIL_FROM"]
    msg["To"] = address
    msg.set_content(
        "Use this link within 30 minutes to choose a new password:\n\n"
        f"{cfg['PUBLIC_BASE_URL']}/reset-password?token={token}\n"
    )
    with smtplib.SMTP(cfg["SMTP_HOST"], cfg["SMTP_PORT"], timeout=10) as smtp:
        smtp.starttls()
        smtp.send_message(msg)


@bp.post("/login")
def login():
    data = request.get_json(silent=True) or {}
    email = (data.get("email") or "").strip().lower()
    user = db.session.scalar(select(User).where(User.email == email))
    if user is None or not check_password_hash(user.password_hash, data.get("password", "")):
        logger.info("failed login attempt for domain %s", email.partition("@")[2] or "-")
        return api_error("invalid_credentials", "Email or password is incorrect", 401)
    login_user(user, remember=bool(data.get("remember")))
    return jsonify(user={"id": user.id, "email": user.email, "is_staff": user.is_staff})


@bp.post("/logout")
@login_required
def logout():
    logout_user()
    return jsonify(status="logged_out")


@bp.post("/password-reset")
def request_password_reset():
    email = ((request.get_json(silent=True) or {}).get("email") or "").strip().lower()
    user = db.session.scalar(select(User).where(User.email == email))
    if user is not None:
        token = secrets.token_urlsafe(32)
        user.reset_token_hash = _hash_reset_token(token)
        user.reset_token_expires = datetime.now(timezone.utc) + RESET_TOKEN_TTL
        db.session.commit()
        _send_reset_email(user.email, token)
    # Same answer whether or not the address has an account.
    return jsonify(status="sent")


@bp.post("/password-reset/confirm")
def confirm_password_reset():
    data = request.get_json(silent=True) or {}
    token = data.get("token") or ""
    new_password = data.get("password") or ""
    if len(new_password) < MIN_PASSWORD_LENGTH:
        return api_error("weak_password", f"Use at least {MIN_PASSWORD_LENGTH} characters", 400)
    user = db.session.scalar(select(User).where(User.reset_token_hash == _hash_reset_token(token)))
    if user is None or user.reset_token_expires < datetime.now(timezone.utc):
        return api_error("invalid_token", "This reset link is invalid or has expired", 400)
    user.password_hash = generate_password_hash(new_password)
    user.reset_token_hash = None
    user.reset_token_expires = None
    db.session.commit()
    logger.info("password reset completed for user %s", user.id)
    return jsonify(status="password_changed")
