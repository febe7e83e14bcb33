"""Login, logout and password reset."""
import hashlib
import logging
import secrets
from datetime import datetime, timedelta, timezone

from flask import Blueprint, jsonify, request, session
from flask_login import login_required, login_user, logout_user
from sqlalchemy import select

from . import db, login_manager
from .models import PasswordReset, User
from .tasks.mail import send_password_reset_email

bp = Blueprint("auth", __name__, url_prefix="/auth")
logger = logging.getLogger(__name__)

RESET_TTL = timedelta(minutes=30)


@login_manager.user_loader
def load_user(user_id):
    return db.session.get(User, int(user_id))


def _digest(token):
    return hashlib.sha256(token.encode()).hexdigest()  # ok: SEC009


@bp.post("/login")
def login():
    data = request.get_json(silent=True) or {}
    email = (data.get("email") or "").strip().lower()
    user = db.session.execute(select(User).where(User.email == email)).scalar_one_or_none()
    if user is None or not user.check_password(data.get("password") or ""):
        logger.info("failed login for domain %s", email.partition("@")[2] or "-")
        return jsonify(error="invalid_credentials"), 401
    session.clear()
    login_user(user)
    session.permanent = True
    logger.info("user %s logged in", user.id)
    return jsonify(id=user.id, role=user.role)


@bp.post("/logout")
@login_required
def logout():
    logout_user()
    session.clear()
    return jsonify(status="logged_out")


@bp.post("/password-reset")
def request_password_reset():
    email = ((request.get_json(silent=True) or {}).get("email") or "").strip().lower()
    user = db.session.execute(select(User).where(User.email == email)).scalar_one_or_none()
    if user is not None:
        token = secrets.token_urlsafe(32)
        db.session.add(
            PasswordReset(
                user_id=user.id,
                token_hash=_digest(token),
                expires_at=datetime.now(timezone.utc) + RESET_TTL,
            )
        )
        db.session.commit()
        send_password_reset_email.delay(user.id, token)
    # Same answer whether or not the address exists.
    return jsonify(status="sent"), 202


@bp.post("/password-reset/confirm")
def confirm_password_reset():
    data = request.get_json(silent=True) or {}
    token = data.get("token") or ""
    new_password = data.get("password") or ""
    if len(new_password) < 10:
        return jsonify(error="password_too_short"), 400

    now = datetime.now(timezone.utc)
    claimed = db.session.execute(
        db.update(PasswordReset)
        .where(
            PasswordReset.token_hash == _digest(token),
            PasswordReset.used_at.is_(None),
            PasswordReset.expires_at > now,
        )
        .values(used_at=now)
        .returning(PasswordReset.user_id)
    ).scalar_one_or_none()
    if claimed is None:
        db.session.rollback()
        return jsonify(error="invalid_or_expired"), 400

    user = db.session.get(User, claimed)
    user.set_password(new_password)
    db.session.commit()
    logger.info("password reset completed for user %s", user.id)
    return jsonify(status="password_changed")
